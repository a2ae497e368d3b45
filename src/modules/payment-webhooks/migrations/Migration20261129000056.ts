import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261129000056 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "payment_webhook_event" drop constraint if exists "payment_webhook_event_provider_id_event_key_unique";`);
    this.addSql(`create table if not exists "payment_webhook_event" ("id" text not null, "provider_id" text not null, "event_key" text not null, "event_type" text null, "action" text not null, "session_id" text null, "amount" numeric null, "currency_code" text null, "occurred_at" timestamptz null, "status" text check ("status" in ('received', 'processing', 'processed', 'ignored', 'failed', 'dead')) not null default 'received', "attempts" integer not null default 0, "next_attempt_at" timestamptz null, "last_error" text null, "outcome" text null, "deliveries" integer not null default 1, "payload" jsonb null, "processed_at" timestamptz null, "raw_amount" jsonb null, "created_at" timestamptz not null default now(), "updated_at" timestamptz not null default now(), "deleted_at" timestamptz null, constraint "payment_webhook_event_pkey" primary key ("id"));`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_deleted_at" ON "payment_webhook_event" ("deleted_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE UNIQUE INDEX IF NOT EXISTS "IDX_payment_webhook_event_provider_id_event_key_unique" ON "payment_webhook_event" ("provider_id", "event_key") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_status_next_attempt_at" ON "payment_webhook_event" ("status", "next_attempt_at") WHERE deleted_at IS NULL;`);
    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_session_id" ON "payment_webhook_event" ("session_id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`drop table if exists "payment_webhook_event" cascade;`);
  }

}
