/** Tiles read best a little wider than tall. */
const tileAspect = 1.6;

/**
 * Columns and rows that fill a wall display with `count` tiles, choosing the layout that gives
 * each tile the most room at the preferred aspect ratio.
 */
export function gridFor(
  count: number,
  width: number,
  height: number,
): { columns: number; rows: number } {
  if (count <= 0 || width <= 0 || height <= 0) return { columns: 1, rows: 1 };
  let best = { columns: 1, rows: count, size: 0 };
  for (let columns = 1; columns <= count; columns += 1) {
    const rows = Math.ceil(count / columns);
    const size = Math.min(width / columns, (height / rows) * tileAspect);
    if (size > best.size) best = { columns, rows, size };
  }
  return { columns: best.columns, rows: best.rows };
}
