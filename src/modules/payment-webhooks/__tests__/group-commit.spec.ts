import { GroupCommit } from "../utils/group-commit"

type Item = { key: string; value: number }

/** A writer whose batches finish when the test says so, recording what each batch held. */
function controlledWriter(fail: (items: Item[]) => boolean = () => false) {
  const batches: string[][] = []
  const pending: (() => void)[] = []
  const write = (items: Item[]) => {
    batches.push(items.map((item) => item.key))
    return new Promise<number[]>((resolve, reject) => {
      pending.push(() => (fail(items) ? reject(new Error(`batch ${items.map((item) => item.key)} failed`)) : resolve(items.map((item) => item.value * 10))))
    })
  }
  const finishNext = async () => {
    pending.shift()!()
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { batches, write, finishNext }
}

describe("GroupCommit", () => {
  it("writes a lone item at once, in a batch of its own", async () => {
    const writer = controlledWriter()
    const group = new GroupCommit<Item, number>(writer.write, (item) => item.key)
    const result = group.submit({ key: "a", value: 1 })
    expect(writer.batches).toEqual([["a"]])
    await writer.finishNext()
    await expect(result).resolves.toBe(10)
  })

  it("sends what arrived during a write as the next batch, each caller getting its own result", async () => {
    const writer = controlledWriter()
    const group = new GroupCommit<Item, number>(writer.write, (item) => item.key)
    const first = group.submit({ key: "a", value: 1 })
    const later = [group.submit({ key: "b", value: 2 }), group.submit({ key: "c", value: 3 })]
    expect(writer.batches).toEqual([["a"]])
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "c"]])
    await writer.finishNext()
    await expect(Promise.all([first, ...later])).resolves.toEqual([10, 20, 30])
  })

  it("never puts two items with the same key in one batch, and keeps their order", async () => {
    const writer = controlledWriter()
    const group = new GroupCommit<Item, number>(writer.write, (item) => item.key)
    const results = [
      group.submit({ key: "a", value: 1 }),
      group.submit({ key: "b", value: 2 }),
      group.submit({ key: "b", value: 3 }),
      group.submit({ key: "c", value: 4 }),
    ]
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "c"]])
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "c"], ["b"]])
    await writer.finishNext()
    await expect(Promise.all(results)).resolves.toEqual([10, 20, 30, 40])
  })

  it("caps a batch at maxBatch items", async () => {
    const writer = controlledWriter()
    const group = new GroupCommit<Item, number>(writer.write, (item) => item.key, 2)
    const results = ["a", "b", "c", "d"].map((key, index) => group.submit({ key, value: index }))
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "c"]])
    await writer.finishNext()
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "c"], ["d"]])
    await expect(Promise.all(results)).resolves.toEqual([0, 10, 20, 30])
  })

  it("writes a failed batch's items one by one, so only the bad item's caller sees the error", async () => {
    const writer = controlledWriter((items) => items.some((item) => item.key === "bad"))
    const group = new GroupCommit<Item, number>(writer.write, (item) => item.key)
    const first = group.submit({ key: "a", value: 1 })
    const good = group.submit({ key: "b", value: 2 })
    const bad = group.submit({ key: "bad", value: 3 })
    const settled = Promise.allSettled([first, good, bad])
    await writer.finishNext()
    await writer.finishNext()
    await writer.finishNext()
    await writer.finishNext()
    expect(writer.batches).toEqual([["a"], ["b", "bad"], ["b"], ["bad"]])
    const [a, b, c] = await settled
    expect(a).toEqual({ status: "fulfilled", value: 10 })
    expect(b).toEqual({ status: "fulfilled", value: 20 })
    expect(c).toMatchObject({ status: "rejected", reason: { message: "batch bad failed" } })
  })
})
