/** Placeholder shell: the UI-core slice replaces this file. */
export function App() {
  return <main><h1>Check-in</h1></main>;
}
