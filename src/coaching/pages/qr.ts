/**
 * QR codes of a link's landing page, for a coach to show on their phone or print. Error correction
 * M (a scratched print still scans), a quiet zone of 6 modules (more than the 4 the standard asks:
 * a phone held at an angle against a busy background still finds it), PNG at least 512 px wide with
 * whole pixels per module so every module has sharp edges.
 */
import QRCode from 'qrcode';

export const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 6 } as const;
export const QR_MIN_PNG_PX = 512;

/** An SVG of `text` with an intrinsic size of 512 px (an `<img>` without width still shows it sharp). */
export function qrSvg(text: string): Promise<string> {
  return QRCode.toString(text, { ...QR_OPTIONS, type: 'svg', width: QR_MIN_PNG_PX });
}

/** A PNG of `text`, at least 512 px wide, a whole number of pixels per module. */
export function qrPng(text: string): Promise<Buffer> {
  const modules = QRCode.create(text, { errorCorrectionLevel: QR_OPTIONS.errorCorrectionLevel }).modules.size;
  const scale = Math.ceil(QR_MIN_PNG_PX / (modules + 2 * QR_OPTIONS.margin));
  return QRCode.toBuffer(text, { ...QR_OPTIONS, type: 'png', scale });
}
