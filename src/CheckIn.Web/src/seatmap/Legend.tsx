/** What the seat symbols mean: each state has a symbol and a word, never colour alone. */
export function Legend() {
  const items: [string, string, string][] = [
    ['seat-available', 'A', 'Available'],
    ['seat-held', '◷', 'Held'],
    ['seat-occupied', '✕', 'Occupied'],
    ['seat-blocked', '⊘', 'Blocked'],
    ['seat-offered', '…', 'Offered to waitlist'],
    ['seat-confirmed-yours', '★', 'Yours'],
  ];
  return (
    <ul class="seatmap-legend" aria-label="Legend">
      {items.map(([cls, glyph, word]) => (
        <li key={cls}>
          <span class={`seat legend-swatch ${cls}`} aria-hidden="true">
            {glyph}
          </span>
          {word}
        </li>
      ))}
      <li>
        <span class="legend-mark" aria-hidden="true">
          ⇆
        </span>
        Exit row
      </li>
      <li>
        <span class="legend-mark" aria-hidden="true">
          ↕
        </span>
        Extra legroom
      </li>
    </ul>
  );
}
