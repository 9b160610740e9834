/**
 * Telling "writing the package" from "running its tests" during one `POST /nbbridge/export`.
 *
 * The server answers once, at the end. But it moves every file of the package into place (each
 * with a fresh modification time) before it runs the tests, so a new modification time on the
 * package's README.md means the writing is over. Watching it through the contents API is cheap
 * (no content is read) and says only what really happened: when the README is not seen to change,
 * the dialog keeps saying "Exporting…".
 */
import type { Contents } from '@jupyterlab/services';

/** How often the README is looked at while an export runs. */
const POLL_MS = 600;

async function modified(contents: Contents.IManager, path: string): Promise<string | null> {
  try {
    const model = await contents.get(path, { content: false });
    return model.last_modified ?? null;
  } catch {
    return null; // Not there yet (a first export), or not readable: nothing to compare.
  }
}

/** Watches `<outputDir>/README.md` until stopped; calls `onWritten` once it is replaced. */
export class WrittenWatcher {
  constructor(
    private readonly _contents: Contents.IManager,
    outputDir: string,
    private readonly _onWritten: () => void
  ) {
    this._path = `${outputDir}/README.md`;
  }

  /** Note the README's current state; call before the export request goes out. */
  async start(): Promise<void> {
    this._before = await modified(this._contents, this._path);
    if (!this._stopped) {
      this._timer = window.setTimeout(() => void this._poll(), POLL_MS);
    }
  }

  stop(): void {
    this._stopped = true;
    if (this._timer !== null) {
      window.clearTimeout(this._timer);
      this._timer = null;
    }
  }

  private async _poll(): Promise<void> {
    this._timer = null;
    const now = await modified(this._contents, this._path);
    if (this._stopped) {
      return;
    }
    if (now !== null && now !== this._before) {
      this._stopped = true;
      this._onWritten();
      return;
    }
    this._timer = window.setTimeout(() => void this._poll(), POLL_MS);
  }

  private readonly _path: string;
  private _before: string | null = null;
  private _timer: number | null = null;
  private _stopped = false;
}
