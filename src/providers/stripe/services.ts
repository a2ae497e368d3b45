import { StripeBase, type PaymentIntentDefaults } from "./base"

/**
 * Cards, or every method enabled in the Stripe Dashboard when the `automaticPaymentMethods` option is set.
 * Captures manually unless the `capture` option is set. Registered as `pp_stripe_<id>`.
 */
export class StripeProviderService extends StripeBase {
  static override identifier = "stripe"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return this.options_.automaticPaymentMethods
      ? { automatic_payment_methods: { enabled: true } }
      : { payment_method_types: ["card"] }
  }
}

/** Bancontact (Belgian bank redirect). Captured automatically: the method has no separate capture. */
export class StripeBancontactService extends StripeBase {
  static override identifier = "stripe-bancontact"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["bancontact"], capture_method: "automatic" }
  }
}

/** BLIK (Polish mobile payments). Captured automatically. */
export class StripeBlikService extends StripeBase {
  static override identifier = "stripe-blik"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["blik"], capture_method: "automatic" }
  }
}

/** EPS (Austrian bank redirect). Captured automatically. */
export class StripeEpsService extends StripeBase {
  static override identifier = "stripe-eps"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["eps"], capture_method: "automatic" }
  }
}

/** giropay (German bank redirect). Captured automatically. */
export class StripeGiropayService extends StripeBase {
  static override identifier = "stripe-giropay"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["giropay"], capture_method: "automatic" }
  }
}

/** iDEAL (Dutch bank redirect). Captured automatically. */
export class StripeIdealService extends StripeBase {
  static override identifier = "stripe-ideal"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["ideal"], capture_method: "automatic" }
  }
}

/** Klarna (buy now, pay later). Supports manual capture, so follows the `capture` option. */
export class StripeKlarnaService extends StripeBase {
  static override identifier = "stripe-klarna"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["klarna"] }
  }
}

/** OXXO (Mexican cash vouchers), expiring after the `oxxoExpiresDays` option. Captured automatically. */
export class StripeOxxoService extends StripeBase {
  static override identifier = "stripe-oxxo"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return {
      payment_method_types: ["oxxo"],
      capture_method: "automatic",
      payment_method_options: { oxxo: { expires_after_days: this.options_.oxxoExpiresDays } },
    }
  }
}

/** PromptPay (Thai QR payments). Captured automatically. */
export class StripePromptpayService extends StripeBase {
  static override identifier = "stripe-promptpay"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["promptpay"], capture_method: "automatic" }
  }
}

/** Przelewy24 (Polish bank redirect). Captured automatically. */
export class StripePrzelewy24Service extends StripeBase {
  static override identifier = "stripe-przelewy24"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["p24"], capture_method: "automatic" }
  }
}

/** SEPA Direct Debit (euro bank debits, settling in days). Captured automatically. */
export class StripeSepaDebitService extends StripeBase {
  static override identifier = "stripe-sepa-debit"

  protected override get paymentIntentDefaults(): PaymentIntentDefaults {
    return { payment_method_types: ["sepa_debit"], capture_method: "automatic" }
  }
}
