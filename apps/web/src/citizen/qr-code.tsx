import { useEffect, useState } from 'react';
import QRCode from 'qrcode';

/** The tracking link as a QR code (an SVG drawn by the `qrcode` package), loaded only on the result screen. */
export default function QrCode({ text, label }: { text: string; label: string }) {
  const [svg, setSvg] = useState<string | null>(null);
  useEffect(() => {
    let alive = true;
    void QRCode.toString(text, { type: 'svg', margin: 1, errorCorrectionLevel: 'M' }).then(
      (s) => alive && setSvg(s),
    );
    return () => {
      alive = false;
    };
  }, [text]);
  return svg ? (
    <img
      className="qr"
      src={`data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`}
      alt={label}
      data-testid="tracking-qr"
    />
  ) : (
    <div className="qr placeholder" />
  );
}
