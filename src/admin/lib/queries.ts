import { keepPreviousData, useMutation, useQuery, useQueryClient } from "@tanstack/react-query"
import { listQuery } from "./format"
import { sdk } from "./sdk"
import type { PaymentWebhookListFilters, PaymentWebhookListResponse, PaymentWebhook, ReplayResponse } from "./types"

const ROOT_KEY = "payment_webhooks"

/** A page of `GET /admin/payment-webhooks` for the filters; the previous page stays on screen while the next loads. */
export function usePaymentWebhooks(filters: PaymentWebhookListFilters, pageSize: number, options: { enabled?: boolean } = {}) {
  const query = listQuery(filters, pageSize)
  return useQuery({
    queryKey: [ROOT_KEY, "list", query],
    queryFn: () => sdk.client.fetch<PaymentWebhookListResponse>("/admin/payment-webhooks", { query }),
    placeholderData: keepPreviousData,
    enabled: options.enabled ?? true,
  })
}

/** `GET /admin/payment-webhooks/:id`: the row with its payload and attempts. */
export function usePaymentWebhook(id: string) {
  return useQuery({
    queryKey: [ROOT_KEY, "detail", id],
    queryFn: () => sdk.client.fetch<{ payment_webhook: PaymentWebhook }>(`/admin/payment-webhooks/${id}`),
  })
}

/** `GET /admin/payments/payment-providers`: the provider ids the list can be filtered by. */
export function usePaymentProviders() {
  return useQuery({
    queryKey: [ROOT_KEY, "providers"],
    queryFn: () =>
      sdk.client.fetch<{ payment_providers: { id: string }[] }>("/admin/payments/payment-providers", { query: { limit: 100 } }),
  })
}

/** `POST /admin/payment-webhooks/:id/replay`; every payment webhook query is refreshed afterwards. */
export function useReplayPaymentWebhook(id: string) {
  const queryClient = useQueryClient()
  return useMutation({
    mutationFn: (body: { force?: boolean }) =>
      sdk.client.fetch<ReplayResponse>(`/admin/payment-webhooks/${id}/replay`, { method: "POST", body }),
    onSettled: () => queryClient.invalidateQueries({ queryKey: [ROOT_KEY] }),
  })
}
