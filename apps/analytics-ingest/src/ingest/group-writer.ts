/**
 * Group commit: batches handed in while a write is being prepared go out together as one statement.
 * Each caller's promise settles with the write that carried its rows, so a job is acknowledged only
 * after its events are committed (a failed write fails every job in it, and they are redelivered).
 */
export class GroupWriter<T> {
  private pending: Array<{ rows: T[]; resolve: () => void; reject: (e: unknown) => void }> = [];
  private size = 0;
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly write: (rows: T[]) => Promise<void>,
    private readonly options: { maxRows: number; lingerMs: number },
  ) {}

  add(rows: T[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      this.size += rows.length;
      if (this.size >= this.options.maxRows) this.flush();
      else this.timer ??= setTimeout(() => this.flush(), this.options.lingerMs);
    });
  }

  private flush(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const group = this.pending;
    this.pending = [];
    this.size = 0;
    if (group.length === 0) return;
    this.write(group.flatMap((g) => g.rows)).then(
      () => group.forEach((g) => g.resolve()),
      (error: unknown) => group.forEach((g) => g.reject(error)),
    );
  }
}
