import { Link } from "react-router-dom"

const linkClass = "text-ui-fg-interactive hover:text-ui-fg-interactive-hover txt-compact-small"

/** The order's page in the admin, or "-". Clicks stay on the link (rows around it navigate too). */
export const OrderLink = ({ orderId }: { orderId: string | null }) =>
  orderId ? (
    <Link to={`/orders/${orderId}`} className={linkClass} onClick={(event) => event.stopPropagation()} data-testid="order-link">
      {orderId}
    </Link>
  ) : (
    <span className="text-ui-fg-muted txt-compact-small">-</span>
  )

/** Every payment webhook of the cart (the admin has no cart page), or "-". */
export const CartLink = ({ cartId }: { cartId: string | null }) =>
  cartId ? (
    <Link to={`/payment-webhooks?cart_id=${encodeURIComponent(cartId)}`} className={linkClass} onClick={(event) => event.stopPropagation()}>
      {cartId}
    </Link>
  ) : (
    <span className="text-ui-fg-muted txt-compact-small">-</span>
  )
