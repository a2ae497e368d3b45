import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202005423 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "payment_webhook_attempt" drop constraint if exists "payment_webhook_attempt_event_id_attempt_unique";`);
    this.addSql(`alter table if exists "payment_session_check" drop constraint if exists "payment_session_check_session_id_unique";`);
    this.addSql(`create table if not exists "payment_session_check" ("id" text not null, "session_id" text not null, "provider_id" text not null, "checks" integer not null default 0, "last_status" text null, "checked_at" timestamptz null, "next_check_at" timestamptz null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "payment_session_check_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_session_check_deleted_at" ON "payment_session_check" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_payment_session_check_session_id_unique" ON "payment_session_check" ("session_id") WHERE deleted_at IS NULL;`);

    this.addSql(`create table if not exists "payment_webhook_attempt" ("id" text not null, "event_id" text not null, "attempt" integer not null, "worker" text not null, "started_at" timestamptz not null, "ended_at" timestamptz null, "result" text check ("result" in ('running', 'processed', 'ignored', 'failed', 'dead', 'abandoned', 'lease_lost')) not null default 'running', "error" text null, "outcome" text null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "payment_webhook_attempt_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_attempt_deleted_at" ON "payment_webhook_attempt" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_payment_webhook_attempt_event_id_attempt_unique" ON "payment_webhook_attempt" ("event_id", "attempt") WHERE deleted_at IS NULL;`);

    this.addSql(`drop index if exists "IDX_payment_webhook_event_status_next_attempt_at";`);

    this.addSql(`alter table if exists "payment_webhook_event" add column if not exists "cart_id" text null, add column if not exists "order_id" text null, add column if not exists "source" text check ("source" in ('webhook', 'reconciler')) not null default 'webhook';`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_next_attempt_at" ON "payment_webhook_event" ("next_attempt_at") WHERE status IN ('received', 'processing', 'failed') AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_processed_at" ON "payment_webhook_event" ("processed_at") WHERE status IN ('processed', 'ignored') AND deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_cart_id" ON "payment_webhook_event" ("cart_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_order_id" ON "payment_webhook_event" ("order_id") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_status_created_at" ON "payment_webhook_event" ("status", "created_at") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payment_session_check" cascade;`);

    this.addSql(`drop table if exists "payment_webhook_attempt" cascade;`);

    this.addSql(`drop index if exists "IDX_payment_webhook_event_next_attempt_at";`);
    this.addSql(`drop index if exists "IDX_payment_webhook_event_processed_at";`);
    this.addSql(`drop index if exists "IDX_payment_webhook_event_cart_id";`);
    this.addSql(`drop index if exists "IDX_payment_webhook_event_order_id";`);
    this.addSql(`drop index if exists "IDX_payment_webhook_event_status_created_at";`);
    this.addSql(`alter table if exists "payment_webhook_event" drop column if exists "cart_id", drop column if exists "order_id", drop column if exists "source";`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_status_next_attempt_at" ON "payment_webhook_event" ("status", "next_attempt_at") WHERE deleted_at IS NULL;`);
  }

}
