/** An answer decided before the normal end of a request: thrown, then sent by one place. */
export class HttpAnswer {
  constructor(
    readonly status: number,
    readonly error: string,
    readonly headers: Record<string, string> = {},
  ) {}
}
