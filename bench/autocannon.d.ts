/** The part of autocannon 9's API the benchmarks use (the package ships no types). */
declare module "autocannon" {
  import type { EventEmitter } from "node:events"

  interface AutocannonResult {
    errors: number
    timeouts: number
  }
  type Instance = EventEmitter & PromiseLike<AutocannonResult>
  function autocannon(options: Record<string, unknown>): Instance
  export default autocannon
}
