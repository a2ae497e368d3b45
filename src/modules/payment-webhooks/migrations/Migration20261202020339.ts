import { Migration } from "@medusajs/framework/mikro-orm/migrations";

export class Migration20261202020339 extends Migration {

  override async up(): Promise<void> {
    this.addSql(`alter table if exists "payment_webhook_attempt" add column if not exists "trigger" text check ("trigger" in ('automatic', 'replay', 'forced_replay')) not null default 'automatic', add column if not exists "requested_by" text null;`);

    this.addSql(`CREATE INDEX IF NOT EXISTS "IDX_payment_webhook_event_created_at_id" ON "payment_webhook_event" ("created_at", "id") WHERE deleted_at IS NULL;`);
  }

  override async down(): Promise<void> {
    this.addSql(`alter table if exists "payment_webhook_attempt" drop column if exists "trigger", drop column if exists "requested_by";`);

    this.addSql(`drop index if exists "IDX_payment_webhook_event_created_at_id";`);
  }

}
