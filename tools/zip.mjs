// Zips a folder for the Chrome Web Store: entries in sorted order with a fixed date, so the
// same folder always gives the same bytes. Usage: node tools/zip.mjs <folder> <out.zip>
import { createWriteStream, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import yazl from 'yazl';

const [folder, out] = process.argv.slice(2);
if (!folder || !out) {
  console.error('usage: node tools/zip.mjs <folder> <out.zip>');
  process.exit(2);
}

const files = readdirSync(folder, { recursive: true, withFileTypes: true })
  .filter((entry) => entry.isFile())
  .map((entry) => join(entry.parentPath ?? entry.path, entry.name))
  .sort();

const zip = new yazl.ZipFile();
const fixedDate = new Date('2026-01-01T00:00:00Z');
for (const file of files) {
  zip.addBuffer(readFileSync(file), relative(folder, file).split('\\').join('/'), { mtime: fixedDate, mode: 0o100644 });
}
zip.outputStream.pipe(createWriteStream(out));
zip.end();
