/**
 * The fixed geometry of every figure: one canvas width and one set of type sizes, so that any two
 * figures shown at the same width have the same box size and can be compared side by side.
 *
 * Legibility is set for the common blog column: a figure FIGURE_WIDTH pt wide displayed 800 px
 * wide shows 1 pt as 800 / FIGURE_WIDTH px. Labels and numbers must be ≥ 10 px there, sub- and
 * superscripts ≥ 8 px (`check.ts` measures it), which fixes the smallest sizes below.
 */

/** Width of every figure in pt. */
export const FIGURE_WIDTH = 720;
/** The display width legibility is measured at, in CSS px. */
export const DISPLAY_WIDTH = 800;

/** Type sizes in pt. */
export const SIZE = {
  title: 22,
  callout: 11,
  label: 10,
  small: 9,
  mono: 9.5,
} as const;

/** Canvas margin. */
export const MARGIN = 16;
/** Horizontal text padding inside a box. */
export const PAD_X = 7;
/** The least space (pt) between a box's label and its outline: the scene check's limit, and the
 * padding a narrow box (boxes side by side) may shrink to. Tags use less than PAD_X too. */
export const MIN_TEXT_INSET = 2;
/** Vertical text padding inside a box. */
export const PAD_Y = 4.5;
/** Corner radius of boxes; frames use FRAME_RADIUS. */
export const BOX_RADIUS = 4;
export const FRAME_RADIUS = 10;
/** Radius of a ⊕ / ⊗ circle. */
export const CIRCLE_R = 6;

/** Stroke widths in pt (≈ 1.1–1.5 px at 800 px display: dark lines, not hairlines). */
export const STROKE = {
  arrow: 1.2,
  box: 0.9,
  frame: 1,
  leader: 1.7,
} as const;

/**
 * How lines are drawn, shared by the TeX and native backends: arrow tips (arrows.meta Stealth,
 * length × width in pt; smaller on the strands of a bundle, which are thinner), the corner radius
 * of arrows, dash patterns (on, off in pt; dots are round caps of zero length), the brace.
 */
export const LINE = {
  tip: { length: 5.5, width: 4.5 },
  strandTip: { length: 3.5, width: 3 },
  strandWidth: 0.7,
  cornerRadius: 2,
  dotted: [0, 3],
  dashed: [4, 2.5],
  brace: { amplitude: 6, width: 1.3 },
  /** Half-arm of a ⊕ / ⊗ as a fraction of the circle's radius (⊗'s arms are 0.7 of that on each axis). */
  cross: 0.6,
} as const;
