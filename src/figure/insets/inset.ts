/**
 * An inset: a small drawing in a dotted frame beside the main stack that shows what one of its
 * boxes does inside (the FFN module, the MoE layer, attention internals, the mHC mixer). Each
 * inset kind is one module in this folder that turns `arch.json` into an {@link Inset}; the
 * layout (`layout.ts`) places it, draws its frame and title, and joins it to its box.
 */
import type { Run } from '../text.js';
import type { Item } from '../scene.js';

export interface Inset {
  /** Prefix of every item id, e.g. `moe` (items are `moe.router`, `moe.expert.0`, …). */
  id: string;
  /** Frame title, drawn by the layout at the frame's top left ("FeedForward (SwiGLU) module"). */
  title: Run[];
  /** Size of the drawing area in pt (the frame adds INSET_PAD on each side and the title row). */
  w: number;
  h: number;
  /**
   * Items in coordinates relative to the drawing area's lower-left corner (0, 0), y up. The
   * module's input arrows are `<id>.in…` (they start in the open), its outputs `<id>.out…` (they
   * end in the open); every other arrow starts and ends on an item.
   */
  items: Item[];
  /** Callout text printed under the frame: bold ink words, numbers in the accent colour. */
  caption: Run[][];
  /** Id of the main-stack box this inset explains (`attn`, `ffn`, `hc_attn`, …). */
  target: string;
}

/** What an inset builder is asked to draw. */
export interface InsetOptions {
  /**
   * Print the formulas with their exact counts under the drawing. Off when the ledger table is
   * drawn (it has every formula), so that the insets stay compact.
   */
  formulas: boolean;
}

/** Space between the frame and the drawing area, and the height of the title row. */
export const INSET_PAD = 8;
export const INSET_TITLE_H = 16;
