// The two icons of the Teams app, drawn in code so the package builds from the repository alone:
// a white speech bubble on the French State's blue (192×192), and its white outline (32×32).
import { PNG } from 'pngjs';

type Rgba = readonly [number, number, number, number];

const BLUE_FRANCE: Rgba = [0, 0, 145, 255];
const WHITE: Rgba = [255, 255, 255, 255];
const RED_MARIANNE: Rgba = [225, 0, 15, 255];
const TRANSPARENT: Rgba = [0, 0, 0, 0];

/** Signed distance from (x, y) to a rounded rectangle: negative inside. */
function roundedRectDistance(x: number, y: number, left: number, top: number, right: number, bottom: number, radius: number): number {
  const cx = Math.max(left + radius, Math.min(x, right - radius));
  const cy = Math.max(top + radius, Math.min(y, bottom - radius));
  return Math.hypot(x - cx, y - cy) - radius;
}

/** Inside the bubble's tail: a triangle under the bottom-left of the bubble. */
function inTail(x: number, y: number, size: number): boolean {
  const top = size * 0.68;
  const bottom = size * 0.84;
  if (y < top || y > bottom) return false;
  const progress = (y - top) / (bottom - top);
  const left = size * 0.28;
  const right = size * 0.46 - progress * size * 0.14;
  return x >= left && x <= right;
}

function draw(size: number, pixel: (x: number, y: number) => Rgba): Buffer {
  const png = new PNG({ width: size, height: size });
  for (let y = 0; y < size; y += 1) {
    for (let x = 0; x < size; x += 1) {
      const [r, g, b, a] = pixel(x + 0.5, y + 0.5);
      const offset = (y * size + x) * 4;
      png.data[offset] = r;
      png.data[offset + 1] = g;
      png.data[offset + 2] = b;
      png.data[offset + 3] = a;
    }
  }
  return PNG.sync.write(png);
}

export function colorIcon(size = 192): Buffer {
  const [left, top, right, bottom, radius] = [size * 0.18, size * 0.2, size * 0.82, size * 0.7, size * 0.1];
  return draw(size, (x, y) => {
    const inBubble = roundedRectDistance(x, y, left, top, right, bottom, radius) <= 0 || inTail(x, y, size);
    if (!inBubble) return BLUE_FRANCE;
    // Three dots, the last one red: someone is answering.
    const dotY = (top + bottom) / 2;
    for (const [index, dotX] of [0.36, 0.5, 0.64].entries()) {
      if (Math.hypot(x - size * dotX, y - dotY) <= size * 0.045) return index === 2 ? RED_MARIANNE : BLUE_FRANCE;
    }
    return WHITE;
  });
}

export function outlineIcon(size = 32): Buffer {
  const [left, top, right, bottom, radius] = [size * 0.12, size * 0.16, size * 0.88, size * 0.72, size * 0.14];
  const stroke = Math.max(1.5, size / 16);
  return draw(size, (x, y) => {
    const distance = roundedRectDistance(x, y, left, top, right, bottom, radius);
    return Math.abs(distance) <= stroke / 2 || (inTail(x, y, size) && distance > 0) ? WHITE : TRANSPARENT;
  });
}
