// The list's window: of the rows a tab shows, only those in view and a margin around them are in
// the DOM, each placed at its offset in a list as tall as all of them, so the scrollbar and the
// count stay the whole list's. Rows are measured once in the DOM (a note opened on focus grows
// one); the others count as the last row measured of the same shape. Screen readers hear each
// row's place in the whole list (aria-posinset of aria-setsize); arrows, Home, End, Page Up and
// Page Down move from row to row, and the focused row stays in the DOM wherever the view goes.

/** Rendered above and below the view, in pixels: a fast scroll paints no blank. */
const MARGIN_PX = 800;
/** A row's height before any of its shape was measured. */
const FIRST_ESTIMATE_PX = 76;

export class ListWindow {
  /**
   * `itemOf(row)` gives the row's element, made once for as long as it is rendered (`rendered`);
   * `keyOf(row)` names it; `shapeOf(row)` groups rows of one height.
   */
  constructor(list, { itemOf, keyOf, shapeOf }) {
    Object.assign(this, { list, itemOf, keyOf, shapeOf });
    this.rows = [];
    this.indexOf = new Map();
    this.heights = new Map();
    this.shapeHeights = new Map();
    this.offsets = [0];
    /** Whether the offsets need counting again: new rows, or a height measured anew. */
    this.stale = true;
    /** Each rendered row's element, by key. */
    this.rendered = new Map();
    this.focusedKey = null;
    this.frame = 0;
    addEventListener('scroll', () => this.schedule(), { passive: true });
    addEventListener('resize', () => this.schedule());
    list.addEventListener('focusin', (event) => {
      this.focusedKey = event.target.closest('li')?.dataset.key ?? null;
      this.schedule();
    });
    list.addEventListener('focusout', (event) => {
      if (!list.contains(event.relatedTarget)) this.focusedKey = null;
      this.schedule();
    });
    list.addEventListener('keydown', (event) => this.keydown(event));
  }

  /** Shows `rows`, in that order: the view stays where it was. */
  show(rows) {
    this.rows = rows;
    this.indexOf = new Map(rows.map((row, index) => [this.keyOf(row), index]));
    this.stale = true;
    this.render();
  }

  /** Takes every row out of the DOM, to be made again: another tab, other account labels. */
  clear() {
    for (const node of this.rendered.values()) node.remove();
    this.rendered.clear();
  }

  /** Renders again at the next frame (a scroll, a resize, a row that may have grown). */
  schedule() {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.render();
    });
  }

  heightOf(row) {
    return this.heights.get(this.keyOf(row)) ?? this.shapeHeights.get(this.shapeOf(row)) ?? FIRST_ESTIMATE_PX;
  }

  layout() {
    if (!this.stale) return;
    this.stale = false;
    const offsets = new Array(this.rows.length + 1);
    offsets[0] = 0;
    for (let index = 0; index < this.rows.length; index += 1) {
      offsets[index + 1] = offsets[index] + this.heightOf(this.rows[index]);
    }
    this.offsets = offsets;
    this.list.style.height = `${offsets[this.rows.length]}px`;
  }

  /** The first row whose bottom is below `y`, in the list's own pixels. */
  rowAt(y) {
    let low = 0;
    let high = this.rows.length;
    while (low < high) {
      const middle = (low + high) >> 1;
      if (this.offsets[middle + 1] <= y) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** The rows in view and the margin, and the focused one: their indexes, in order. */
  wanted() {
    const top = -this.list.getBoundingClientRect().top;
    const from = this.rowAt(top - MARGIN_PX);
    const to = Math.min(this.rows.length, this.rowAt(top + innerHeight + MARGIN_PX) + 1);
    const indexes = [];
    for (let index = from; index < to; index += 1) indexes.push(index);
    const focused = this.indexOf.get(this.focusedKey);
    if (focused !== undefined && (focused < from || focused >= to)) {
      indexes.splice(focused < from ? 0 : indexes.length, 0, focused);
    }
    return indexes;
  }

  render() {
    // Twice at most: the second pass places rows by the heights the first one measured.
    for (let pass = 0; pass < 2; pass += 1) {
      this.layout();
      const indexes = this.wanted();
      const nodes = indexes.map((index) => this.place(index));
      const kept = new Set(nodes);
      for (const [key, node] of this.rendered) {
        if (!kept.has(node)) {
          node.remove();
          this.rendered.delete(key);
        }
      }
      arrange(this.list, nodes);
      if (!this.measure(indexes)) return;
    }
  }

  place(index) {
    const row = this.rows[index];
    const key = this.keyOf(row);
    let node = this.rendered.get(key);
    if (!node) {
      node = this.itemOf(row);
      this.rendered.set(key, node);
    }
    node.style.top = `${this.offsets[index]}px`;
    node.setAttribute('aria-posinset', String(index + 1));
    node.setAttribute('aria-setsize', String(this.rows.length));
    return node;
  }

  /** Reads the heights of the rendered rows; whether any differs from what was counted. */
  measure(indexes) {
    let changed = false;
    for (const index of indexes) {
      const row = this.rows[index];
      const key = this.keyOf(row);
      const height = this.rendered.get(key).offsetHeight;
      // Not laid out (the list is hidden): nothing to learn.
      if (height === 0) continue;
      const shape = this.shapeOf(row);
      if (height !== this.heightOf(row) || height !== this.shapeHeights.get(shape)) changed = true;
      this.heights.set(key, height);
      this.shapeHeights.set(shape, height);
    }
    this.stale ||= changed;
    return changed;
  }

  /** The element of the row `key`, when rendered. */
  elementOf(key) {
    return this.rendered.get(key);
  }

  /** Brings row `index` into view (below whatever sticks at the top: its scroll-margin) and focuses it. */
  focusRow(index) {
    const at = Math.max(0, Math.min(index, this.rows.length - 1));
    const row = this.rows[at];
    if (!row) return;
    const key = this.keyOf(row);
    this.focusedKey = key;
    this.render();
    this.rendered.get(key)?.scrollIntoView({ block: 'nearest' });
    // The row that had focus may have left the DOM meanwhile, and taken `focusedKey` with it.
    this.focusedKey = key;
    this.render();
    this.rendered.get(key)?.focus({ preventScroll: true });
  }

  keydown(event) {
    const item = event.target.closest('li');
    if (!item || event.altKey || event.ctrlKey || event.metaKey) return;
    const index = this.indexOf.get(item.dataset.key);
    if (index === undefined) return;
    const page = Math.max(1, Math.floor(innerHeight / this.heightOf(this.rows[index])) - 1);
    const moves = {
      ArrowDown: index + 1,
      ArrowUp: index - 1,
      Home: 0,
      End: this.rows.length - 1,
      PageDown: index + page,
      PageUp: index - page,
    };
    if (!(event.key in moves)) return;
    event.preventDefault();
    this.focusRow(moves[event.key]);
  }
}

/** Makes `nodes` the list's children in this order, moving as few as possible so focus stays. */
function arrange(list, nodes) {
  let cursor = list.firstElementChild;
  for (const node of nodes) {
    if (node === cursor) cursor = cursor.nextElementSibling;
    else list.insertBefore(node, cursor);
  }
}
