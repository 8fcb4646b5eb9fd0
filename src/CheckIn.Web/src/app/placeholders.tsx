import type { SeatMapPanelProps, WaitlistPanelProps } from './contracts';

// Stand-ins until the ui-seatmap branch lands src/seatmap/SeatMapPanel.tsx and src/waitlist/WaitlistPanel.tsx;
// deleted when it is merged.
export function SeatMapPanel(props: SeatMapPanelProps) {
  return (
    <section class="panel" aria-labelledby="seatmap-heading">
      <h2 id="seatmap-heading">Choose a seat</h2>
      <p>The seat map of flight {props.flightId} appears here.</p>
    </section>
  );
}

export function WaitlistPanel(props: WaitlistPanelProps) {
  return (
    <section class="panel" aria-labelledby="waitlist-heading">
      <h2 id="waitlist-heading">Waitlist</h2>
      <p>The waitlist of flight {props.flightId} appears here.</p>
    </section>
  );
}
