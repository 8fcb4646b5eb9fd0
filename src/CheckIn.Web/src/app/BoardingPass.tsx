import { useEffect, useState } from 'preact/hooks';
import type { Schemas } from '../api/client';
import { cabinName, dateTime, passengerName, time } from './format';

type BoardingPassResponse = Schemas['BoardingPassResponse'];

export interface BoardingPassProps {
  pass: BoardingPassResponse;
  /** Fetches an image of the API with the session token (the QR code needs it); undefined when it failed. */
  loadImage(url: string): Promise<Blob | undefined>;
}

/** Screen 6: the boarding pass with its QR code (fetched with the token, shown from a blob URL). */
export function BoardingPass({ pass, loadImage }: BoardingPassProps) {
  const [qr, setQr] = useState<string>();
  const [qrFailed, setQrFailed] = useState(false);
  const name = passengerName(pass);

  useEffect(() => {
    let url: string | undefined;
    let stopped = false;
    setQr(undefined);
    setQrFailed(false);
    void loadImage(pass.qrCodeUrl).then((blob) => {
      if (stopped) return;
      if (!blob) {
        setQrFailed(true);
        return;
      }
      url = URL.createObjectURL(blob);
      setQr(url);
    });
    return () => {
      stopped = true;
      if (url) URL.revokeObjectURL(url);
    };
  }, [pass.qrCodeUrl, pass.sequenceNumber, pass.seatNumber, loadImage]);

  return (
    <section class="panel boarding-pass" aria-labelledby="boarding-pass-heading">
      <h2 id="boarding-pass-heading">Boarding pass</h2>
      <div class="pass">
        <dl class="pass-details">
          <div>
            <dt>Name</dt>
            <dd>{name}</dd>
          </div>
          <div>
            <dt>Flight</dt>
            <dd>{pass.flightId}</dd>
          </div>
          <div>
            <dt>Route</dt>
            <dd>
              {pass.origin} → {pass.destination}
            </dd>
          </div>
          <div>
            <dt>Departure</dt>
            <dd>{dateTime(pass.departure)}</dd>
          </div>
          <div>
            <dt>Boarding</dt>
            <dd>{time(pass.boardingTime)}</dd>
          </div>
          <div>
            <dt>Seat</dt>
            <dd>{pass.seatNumber}</dd>
          </div>
          <div>
            <dt>Cabin</dt>
            <dd>{cabinName(pass.cabin)}</dd>
          </div>
          <div>
            <dt>Sequence</dt>
            <dd>{String(pass.sequenceNumber).padStart(3, '0')}</dd>
          </div>
          <div>
            <dt>Booking</dt>
            <dd>{pass.pnr}</dd>
          </div>
        </dl>
        <div class="pass-qr">
          {qr ? (
            <img src={qr} alt={`Boarding pass QR code for ${name}`} width={200} height={200} />
          ) : (
            <p class="hint">{qrFailed ? 'The QR code could not be loaded. Reload the page to try again.' : 'Loading the QR code…'}</p>
          )}
        </div>
      </div>
    </section>
  );
}
