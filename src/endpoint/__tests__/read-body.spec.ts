import http from "node:http"
import type { AddressInfo } from "node:net"
import { postUnfinishedUpload } from "../../../integration-tests/helpers/unfinished-upload"
import { readWebhookBody } from "../read-body"

const LIMIT = 256 * 1024

/**
 * A bare HTTP server running `readWebhookBody` with the `maxBodyBytes` of LIMIT, and the few express
 * response methods it uses. A request it lets through is answered 200 with what it read.
 */
async function startServer() {
  const passed: string[] = []
  const server = http.createServer((req, res) => {
    const request = Object.assign(req, {
      scope: { resolve: () => ({ options: { maxBodyBytes: LIMIT } }) },
    }) as unknown as Parameters<typeof readWebhookBody>[0] & { rawBody?: Buffer }
    const response = Object.assign(res, {
      status: (code: number) => Object.assign(res, { statusCode: code }),
      json: (body: unknown) => res.setHeader("content-type", "application/json").end(JSON.stringify(body)),
    }) as unknown as Parameters<typeof readWebhookBody>[1]
    void readWebhookBody(request, response, (error?: unknown) => {
      passed.push(req.url ?? "")
      res.statusCode = error ? 500 : 200
      res.end(JSON.stringify({ bytes: request.rawBody?.length, body: request.body }))
    })
  })
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks/payment/stripe`
  const close = () => {
    server.closeAllConnections()
    return new Promise((resolve) => server.close(resolve))
  }
  return { url, passed, close }
}

async function post(url: string, body: Buffer | string, headers: Record<string, string>) {
  const response = await fetch(url, { method: "POST", body, headers })
  return { status: response.status, body: await response.json() }
}

describe("readWebhookBody", () => {
  let server: Awaited<ReturnType<typeof startServer>>
  beforeAll(async () => {
    server = await startServer()
  })
  afterAll(() => server.close())

  it("refuses a declared length over the limit before reading it: 413 arrives while only 64 kB of 15 MiB were sent", async () => {
    const answer = await postUnfinishedUpload(server.url, {
      headers: { "content-type": "application/json" },
      declaredLength: 15 * 1024 * 1024,
      body: Buffer.alloc(64 * 1024, " "),
      send: 64 * 1024,
    })
    expect(answer).toEqual({
      status: 413,
      body: { type: "payload_too_large", message: `The body is larger than the limit of ${LIMIT} bytes` },
      connection: "close",
      sent: 64 * 1024,
    })
    expect(server.passed).toEqual([])
  })

  it("refuses a chunked body as soon as it passes the limit: 413 arrives although the body never ended", async () => {
    const answer = await postUnfinishedUpload(server.url, {
      headers: { "content-type": "application/json" },
      body: Buffer.alloc(LIMIT + 64 * 1024, " "),
      send: LIMIT + 64 * 1024,
    })
    expect(answer).toMatchObject({ status: 413, body: { type: "payload_too_large" }, connection: "close" })
    expect(server.passed).toEqual([])
  })

  it("keeps the exact bytes of a body at the limit and parses them", async () => {
    const prefix = '{"id":"evt_01","padding":"'
    const body = `${prefix}${"é".repeat((LIMIT - prefix.length - 2) / 2)}"}`
    expect(Buffer.byteLength(body)).toBe(LIMIT)
    const answer = await post(server.url, body, { "content-type": "application/json; charset=utf-8" })
    expect(answer.status).toBe(200)
    expect(answer.body.bytes).toBe(LIMIT)
    expect(answer.body.body).toEqual(JSON.parse(body))
  })

  it.each([
    ["JSON that does not parse", "{ not json", { "content-type": "application/json" }, 400, "invalid_payload"],
    ["an empty body", "", { "content-type": "application/json" }, 400, "invalid_payload"],
    ["a compressed body", "{}", { "content-type": "application/json", "content-encoding": "gzip" }, 415, "unsupported_media_type"],
    ["a media type providers do not send", "<event/>", { "content-type": "application/xml" }, 415, "unsupported_media_type"],
  ])("refuses %s", async (_what, body, headers, status, type) => {
    const answer = await post(server.url, body, headers)
    expect(answer).toMatchObject({ status, body: { type } })
  })

  describe("where Medusa's parser still ran (its declaration could not be switched off)", () => {
    const run = async (rawBody: Buffer) => {
      const req = {
        headers: { "content-type": "application/json" },
        rawBody,
        body: { kept: true },
        scope: { resolve: () => ({ options: { maxBodyBytes: LIMIT } }) },
      }
      const res = {
        statusCode: 200,
        body: undefined as unknown,
        setHeader: jest.fn(),
        status: (code: number) => Object.assign(res, { statusCode: code }),
        json: (body: unknown) => Object.assign(res, { body }),
      }
      const next = jest.fn()
      await readWebhookBody(req as never, res as never, next)
      return { req, res, next }
    }

    it("uses the bytes it kept", async () => {
      const { req, next } = await run(Buffer.from('{"id":"evt_1"}'))
      expect(next).toHaveBeenCalledWith()
      expect(req.body).toEqual({ kept: true })
    })

    it("still applies the limit, after reading", async () => {
      const { res, next } = await run(Buffer.alloc(LIMIT + 1, " "))
      expect(next).not.toHaveBeenCalled()
      expect(res).toMatchObject({ statusCode: 413, body: { type: "payload_too_large" } })
    })
  })
})
