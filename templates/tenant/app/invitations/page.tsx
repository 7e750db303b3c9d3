{% set ts = invitations.ts %}
import type { Metadata } from "next";
import { Suspense } from "react";

import { {{ ts.form }} } from "./accept-form";

export const metadata: Metadata = {
  title: "Join {{ ts.unnamed }}",
  // The token is in this page's address: it is not passed on to other sites.
  referrer: "no-referrer",
};

type Params = Promise<{ token: string }>;

/**
 * The page an invitation email links to. Opening it changes nothing (mail scanners open links
 * too): the signed-in invitee accepts with the form.
 */
export default function Page({ params }: { params: Params }) {
  return (
    <main>
      <h1>Join {{ ts.unnamed }}</h1>
      <Suspense fallback={<p>Loading…</p>}>
        <Invitation params={params} />
      </Suspense>
    </main>
  );
}

async function Invitation({ params }: { params: Params }) {
  const { token } = await params;
  return <{{ ts.form }} token={token} />;
}
