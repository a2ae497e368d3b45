import http from "node:http"
import type { AddressInfo } from "node:net"
import { PendingWork } from "../pending-work"

jest.setTimeout(10_000)

describe("PendingWork", () => {
  let server: http.Server
  let url = ""
  let answer: (response: http.ServerResponse) => void

  beforeAll(async () => {
    server = http.createServer((request, response) => {
      request.resume()
      answer(response)
    })
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve))
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`
  })

  afterAll(async () => {
    server.closeAllConnections()
    await new Promise((resolve) => server.close(resolve))
  })

  const post = () => http.request(url, { method: "POST", agent: false, timeout: 60_000 })

  it("reports the endpoint's status once the request closes, and is idle after it", async () => {
    answer = (response) => response.writeHead(503).end()
    const work = new PendingWork()
    const statuses: unknown[] = []
    work.send(post(), "{}", (status) => statuses.push(status))
    await work.idle()
    expect(statuses).toEqual([503])
  })

  it("cancel() aborts a request in flight and drops scheduled tasks: idle at once, nothing reported", async () => {
    answer = () => undefined // the endpoint hangs
    const work = new PendingWork()
    const reported: unknown[] = []
    work.send(post(), "{}", (status) => reported.push(status))
    work.schedule(60_000, () => reported.push("scheduled task"))
    await new Promise((resolve) => setTimeout(resolve, 100))
    work.cancel()
    await work.idle()
    expect(reported).toEqual([])
    work.schedule(0, () => reported.push("after cancel"))
    await work.idle()
    expect(reported).toEqual([])
  })
})
