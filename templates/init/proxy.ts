import type { NextRequest } from "next/server";

import { updateSession } from "{{ imports.proxy }}";

export async function proxy(request: NextRequest) {
  return await updateSession(request);
}

export const config = {
  matcher: [
    // Every path except Next's static files and images, files with an image, font or other
    // static extension, and webhooks (Stripe and others call them without a user session).
    "/((?!_next/static|_next/image|favicon.ico|api/webhooks/|.*\\.(?:svg|png|jpg|jpeg|gif|webp|avif|ico|css|js|map|txt|xml|woff2?)$).*)",
  ],
};
