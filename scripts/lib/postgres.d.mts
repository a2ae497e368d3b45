/** Types of postgres.mjs, for the TypeScript callers (benchmarks). */
export declare const PG_USER: string
export declare const PG_PASSWORD: string
export declare function freePort(): Promise<number>
export interface EmbeddedPostgresHandle {
  host: string
  port: number
  user: string
  password: string
  urlFor(database: string): string
  createDatabase(name: string): Promise<void>
  stop(): Promise<void>
}
export declare function startEmbeddedPostgres(options: {
  dataDir: string
  port: number
  persistent?: boolean
  log?: (message: string) => void
}): Promise<EmbeddedPostgresHandle>
