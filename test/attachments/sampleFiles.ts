// Real files of every accepted type (and a few that must be refused), made here.
import JSZip from 'jszip';
import { PNG } from 'pngjs';
import { EICAR } from './clamdProcess';

export function pdf(text = 'Diagnostic territorial'): Buffer {
  const body = `%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n2 0 obj << /Type /Pages /Kids [] /Count 0 >> endobj\n% ${text}\ntrailer << /Root 1 0 R >>\n%%EOF\n`;
  return Buffer.from(body, 'latin1');
}

/** A PDF of about `bytes` bytes. */
export function pdfOfSize(bytes: number): Buffer {
  const head = pdf();
  return Buffer.concat([head, Buffer.alloc(Math.max(0, bytes - head.length), 0x20)]);
}

export function png(): Buffer {
  const image = new PNG({ width: 4, height: 4 });
  image.data.fill(200);
  return PNG.sync.write(image);
}

/** A tiny baseline JPEG (SOI, APP0 JFIF, then end of image): enough for the magic bytes. */
export function jpeg(): Buffer {
  return Buffer.concat([Buffer.from([0xff, 0xd8, 0xff, 0xe0, 0x00, 0x10]), Buffer.from('JFIF\0', 'latin1'), Buffer.from([1, 1, 0, 0, 1, 0, 1, 0, 0, 0xff, 0xd9])]);
}

async function ooxml(mainType: string, mainPart: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file(
    '[Content_Types].xml',
    `<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
      `<Default Extension="xml" ContentType="application/xml"/><Override PartName="/${mainPart}" ContentType="${mainType}"/></Types>`,
  );
  zip.file(mainPart, '<?xml version="1.0"?><document/>');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export const docx = () => ooxml('application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml', 'word/document.xml');
export const xlsx = () => ooxml('application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml', 'xl/workbook.xml');
/** A Word document with macros (.docm): refused. */
export const docm = () => ooxml('application/vnd.ms-word.document.macroEnabled.main+xml', 'word/document.xml');

async function odf(mimetype: string): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('mimetype', mimetype, { compression: 'STORE' });
  zip.file('content.xml', '<?xml version="1.0"?><office:document-content/>');
  return zip.generateAsync({ type: 'nodebuffer', compression: 'DEFLATE' });
}

export const odt = () => odf('application/vnd.oasis.opendocument.text');
export const ods = () => odf('application/vnd.oasis.opendocument.spreadsheet');

/** A Windows executable (MZ header, PE signature) whatever it is named. */
export function executable(): Buffer {
  const bytes = Buffer.alloc(512);
  bytes.write('MZ', 0, 'latin1');
  bytes.writeUInt32LE(0x80, 0x3c);
  bytes.write('PE\0\0', 0x80, 'latin1');
  return bytes;
}

/** A plain ZIP archive of text files: not an office document. */
export async function plainZip(): Promise<Buffer> {
  const zip = new JSZip();
  zip.file('notes.txt', 'hello');
  return zip.generateAsync({ type: 'nodebuffer' });
}

/** A real PDF carrying the EICAR test string in a comment. */
export function infectedPdf(): Buffer {
  return Buffer.concat([pdf(), Buffer.from('% '), EICAR, Buffer.from('\n%%EOF\n')]);
}
