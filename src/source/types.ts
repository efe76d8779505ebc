/** The `source` stage's output: one config.json, its text and where it came from. */
export interface LoadedConfig {
  /** The parsed JSON. */
  config: unknown;
  /** The file decoded as UTF-8, for locating fields in errors. */
  text: string;
  /** sha256 of the file's bytes, as stored (hex). */
  sha256: string;
  /** What the user asked for: a path or `org/name[@revision]`. */
  source: string;
  /** Shown in messages: the file path, or `org/name@revision config.json`. */
  display: string;
  /** `local` file, or fetched from the `hub` (network or cache). */
  kind: 'local' | 'hub';
  /** Hub repo id, or null for a local file. */
  repo: string | null;
  /** The revision asked for (branch, tag or sha), or null for a local file. */
  revision: string | null;
  /** The resolved commit sha, or null for a local file. */
  commit: string | null;
  /** Absolute path of the file read (local file, or the Hub cache snapshot). */
  path: string | null;
  /** Whether a Hub config's bytes came from the local cache rather than a download. */
  from_cache: boolean;
  /** Warnings for the user (e.g. the Hub was unreachable and the cache was used). */
  warnings: string[];
}
