import http from "node:http"

/** What the server answered to an upload it was never sent in full. */
export type UnfinishedUploadAnswer = { status: number; body: unknown; connection: string | undefined; sent: number }

/**
 * POSTs a body that is never finished: the headers (declaring `declaredLength` as Content-Length, or
 * chunked without it), then the first `send` bytes of `body`, and waits for the answer without
 * sending more. An answer can therefore only come from a server that refused the body before
 * reading the rest of it: one that waits for the body never answers (and the test times out).
 */
export function postUnfinishedUpload(
  url: string,
  opts: { headers: Record<string, string>; body: Buffer; send: number; declaredLength?: number }
): Promise<UnfinishedUploadAnswer> {
  return new Promise((resolve, reject) => {
    const headers = { ...opts.headers, ...(opts.declaredLength === undefined ? {} : { "content-length": String(opts.declaredLength) }) }
    const req = http.request(url, { method: "POST", headers })
    let sent = 0
    let answered = false
    req.on("response", (res) => {
      answered = true
      const chunks: Buffer[] = []
      res.on("data", (chunk: Buffer) => chunks.push(chunk))
      res.on("end", () => {
        req.destroy()
        const text = Buffer.concat(chunks).toString("utf8")
        resolve({ status: res.statusCode ?? 0, body: text ? JSON.parse(text) : null, connection: res.headers.connection, sent })
      })
    })
    // Once answered, the server may close the connection under a write: that is not a failure.
    req.on("error", (error) => answered || reject(error))
    const write = () => {
      // Stop at `send` bytes, and as soon as the server has answered.
      while (sent < opts.send && !answered) {
        const chunk = opts.body.subarray(sent, Math.min(opts.send, sent + 64 * 1024))
        sent += chunk.length
        if (!req.write(chunk)) {
          req.once("drain", write)
          return
        }
      }
    }
    req.flushHeaders()
    write()
  })
}
