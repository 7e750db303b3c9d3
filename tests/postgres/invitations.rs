//! Issue 15: invitations to a tenant root, probed as PostgREST issues requests (RPCs with named
//! arguments, table reads and writes with and without a WHERE clause), and two sessions accepting
//! one invitation at once.

use super::*;

/// The tenant's invitation functions and table, by the names scaffold gives them.
pub(super) struct Names {
    pub invitations: String,
    pub invite: String,
    pub accept: String,
    pub decline: String,
    pub revoke: String,
    pub resend: String,
    pub list_mine: String,
    pub record_email: String,
}

impl Names {
    pub fn of(tenant: &Spec) -> Result<Names, String> {
        let singular = tenant
            .table
            .strip_suffix('s')
            .ok_or_else(|| format!("tenant table {}: cannot name its invitations", tenant.table))?;
        let public = |name: String| format!("public.{}", quote_ident(&name));
        Ok(Names {
            invitations: public(format!("{singular}_invitations")),
            invite: public(format!("invite_{singular}_member")),
            accept: public(format!("accept_{singular}_invitation")),
            decline: public(format!("decline_{singular}_invitation")),
            revoke: public(format!("revoke_{singular}_invitation")),
            resend: public(format!("resend_{singular}_invitation")),
            list_mine: public(format!("my_{singular}_invitations")),
            record_email: public(format!("record_{singular}_invitation_email")),
        })
    }

    /// `POST /rpc/invite_…` with a JSON body, as PostgREST calls it: named arguments.
    fn invite_sql(&self, workspace: &str, email: &str, role: &str) -> String {
        format!(
            "select * from {}(target_workspace_id := '{workspace}', invitee_email := {}, invitee_role := '{role}')",
            self.invite,
            sql_literal(email)
        )
    }

    fn accept_sql(&self, token: &str) -> String {
        format!(
            "select {}(invitation_token := {})",
            self.accept,
            sql_literal(token)
        )
    }
}

/// `user` (an admin or owner of `workspace`) invites `email`: the invitation's id and token.
pub(super) fn invite(
    db: &Database<'_>,
    names: &Names,
    user: &str,
    workspace: &str,
    email: &str,
    role: &str,
) -> Result<(String, String), String> {
    let out = db
        .as_user(
            Some(user),
            &format!(
                "select id || '|' || token from ({}) r",
                names.invite_sql(workspace, email, role)
            ),
        )
        .map_err(|e| format!("{user} inviting {email} as {role}: {e}"))?;
    let (id, token) = out
        .split_once('|')
        .ok_or_else(|| format!("inviting {email}: unexpected answer {out:?}"))?;
    Ok((id.to_string(), token.to_string()))
}

/// `user` (whose confirmed address is `email`) joins `workspace` as `role`, invited by
/// `inviter`: the way every membership but a creator's begins.
pub(super) fn join(
    db: &Database<'_>,
    names: &Names,
    inviter: &str,
    workspace: &str,
    user: &str,
    email: &str,
    role: &str,
) -> Result<(), String> {
    let (_, token) = invite(db, names, inviter, workspace, email, role)?;
    let joined = db
        .as_user(Some(user), &names.accept_sql(&token))
        .map_err(|e| format!("{email} accepting: {e}"))?;
    if joined != workspace {
        return Err(format!(
            "{email} accepting answered {joined:?}, expected {workspace}"
        ));
    }
    Ok(())
}

/// Probes of the invitations of workspace 1 (alice owns it; carol is a member, dave an admin;
/// bob is an outsider who owns workspace 2).
pub(super) fn probes(
    db: &Database<'_>,
    p: &Probing<'_>,
    w1: &str,
    w2: &str,
    members: &str,
) -> Result<Vec<Probe>, String> {
    let n = Names::of(p.spec)?;
    let t = &p.t;
    let inv = &n.invitations;
    let role_in = |workspace: &str, user: &str| {
        format!("select coalesce((select role::text from {members} where workspace_id = '{workspace}' and user_id = '{user}'), 'none')")
    };
    let invitations_to = |email: &str| {
        format!(
            "select count(*) from {inv} where email = {}",
            sql_literal(email)
        )
    };
    let status_of = |id: &str| format!("select status from {inv} where id = '{id}'");
    // Everything an invitation answers but its id, address and token, as the admin sees it:
    // the same for any address, whoever it belongs to.
    let answer = |email: &str| {
        format!(
            "select role, workspace_name = (select name from {t} where id = '{w1}'), invited_by_email, expires_at - now() from ({}) r",
            n.invite_sql(w1, email, "member")
        )
    };
    let same_answer = "member|t|dave@example.com|7 days";

    // Invitations the probes use, made as the API would make them.
    let (bob_invitation, bob_token) = invite(db, &n, ALICE, w1, "bob@example.com", "member")?;
    let (_, expired_token) = invite(db, &n, ALICE, w1, "expired@example.com", "member")?;
    db.psql(&format!(
        "update {inv} set expires_at = now() - interval '1 second' where email = 'expired@example.com'"
    ))?;
    let (revoked, revoked_token) = invite(db, &n, ALICE, w1, "revoked@example.com", "member")?;
    db.as_user(Some(ALICE), &format!("select {}('{revoked}')", n.revoke))?;
    let (carol_invitation, _) = invite(db, &n, ALICE, w1, "carol@example.com", "admin")?;
    // In workspace 2, carol is made an admin, invites dave as an admin, and is demoted.
    join(db, &n, BOB, w2, CAROL, "carol@example.com", "admin")?;
    let (_, demoted_token) = invite(db, &n, CAROL, w2, "dave@example.com", "admin")?;
    db.as_user(
        Some(BOB),
        &format!("update {members} set role = 'member' where workspace_id = '{w2}' and user_id = '{CAROL}'"),
    )?;
    // A user with an account, in no workspace and with no invitation.
    db.psql(&format!(
        "insert into auth.users (id, email, email_confirmed_at) values ('{ERIN}', 'erin@example.com', now())"
    ))?;
    let forged = format!(
        "insert into {inv} (workspace_id, email, role, invited_by, token_hash, expires_at) values ('{w1}', 'mine@example.com', 'owner', '{DAVE}', sha256('chosen'), now() + interval '100 years')"
    );

    Ok(vec![
        probe(
            "an admin invites an address with an account",
            ADMIN,
            answer("erin@example.com"),
            prints(same_answer),
        )
        .then(role_in(w1, ERIN), "none"),
        probe(
            "an admin invites an address without an account: the same answer",
            ADMIN,
            answer("nobody@example.com"),
            prints(same_answer),
        )
        .then(invitations_to("nobody@example.com"), "1"),
        probe(
            "an admin invites a member's address: the same answer, and the membership stays as it was",
            ADMIN,
            answer("alice@example.com"),
            prints(same_answer),
        )
        .then(role_in(w1, ALICE), "owner"),
        probe(
            "an address with a pending invitation is invited again by re-sending that invitation",
            ADMIN,
            n.invite_sql(w1, "bob@example.com", "member"),
            Expect::Fails("23505"),
        ),
        probe(
            "an invitation alone makes nobody a member",
            ADMIN,
            role_in(w1, BOB),
            prints("none"),
        ),
        probe(
            "an outsider cannot invite",
            OTHER,
            n.invite_sql(w1, "friend@example.com", "member"),
            Expect::Denied,
        )
        .then(invitations_to("friend@example.com"), "0"),
        probe(
            "a member cannot invite",
            MEMBER,
            n.invite_sql(w1, "friend@example.com", "member"),
            Expect::Denied,
        )
        .then(invitations_to("friend@example.com"), "0"),
        probe(
            "an admin cannot invite an owner",
            ADMIN,
            n.invite_sql(w1, "friend@example.com", "owner"),
            Expect::Denied,
        )
        .then(invitations_to("friend@example.com"), "0"),
        probe(
            "anon cannot invite",
            ANON,
            n.invite_sql(w1, "friend@example.com", "member"),
            Expect::Denied,
        ),
        probe(
            "nobody inserts an invitation with a token and expiry of their choosing",
            ADMIN,
            forged.clone(),
            Expect::Denied,
        )
        .then(invitations_to("mine@example.com"), "0"),
        probe(
            "nor upserts one",
            ADMIN,
            format!("{forged} on conflict (id) do update set status = 'accepted'"),
            Expect::Denied,
        ),
        probe(
            "nobody updates invitations, without a WHERE clause either",
            ADMIN,
            format!("update {inv} set expires_at = now() + interval '100 years', status = 'pending'"),
            Expect::Denied,
        )
        .then(status_of(&revoked), "revoked"),
        probe(
            "nobody deletes invitations",
            ADMIN,
            format!("delete from {inv}"),
            Expect::Denied,
        ),
        probe(
            "an admin lists the invitations of their workspace",
            ADMIN,
            format!("select count(id) from {inv} where workspace_id = '{w1}' and email = 'bob@example.com'"),
            prints("1"),
        ),
        probe(
            "but reads no token hash",
            ADMIN,
            format!("select token_hash from {inv}"),
            Expect::Denied,
        ),
        probe(
            "nor every column (PostgREST's select=*)",
            ADMIN,
            format!("select * from {inv}"),
            Expect::Denied,
        ),
        probe(
            "a member reads no invitation",
            MEMBER,
            format!("select count(id) from {inv}"),
            prints("0"),
        ),
        probe(
            "an outsider reads no invitation of the workspace",
            OTHER,
            format!("select count(id) from {inv} where workspace_id = '{w1}'"),
            prints("0"),
        ),
        probe("anon reads no invitation", ANON, format!("select count(id) from {inv}"), Expect::Denied),
        probe(
            "the invitee lists their invitation, by their confirmed address",
            OTHER,
            format!("select id, role from {}()", n.list_mine),
            prints(&format!("{bob_invitation}|member")),
        ),
        probe(
            "someone else with the token cannot accept",
            MEMBER,
            n.accept_sql(&bob_token),
            Expect::Denied,
        )
        .then(status_of(&bob_invitation), "pending"),
        probe(
            "someone else cannot decline it",
            MEMBER,
            format!("select {}('{bob_invitation}')", n.decline),
            Expect::Fails("P0002"),
        )
        .then(status_of(&bob_invitation), "pending"),
        probe("anon cannot accept", ANON, n.accept_sql(&bob_token), Expect::Denied),
        probe(
            "the invitee accepts, signed in with the invited address",
            OTHER,
            n.accept_sql(&bob_token),
            prints(w1),
        )
        .then(role_in(w1, BOB), "member"),
        probe(
            "accepting again answers the same and adds nothing",
            OTHER,
            n.accept_sql(&bob_token),
            prints(w1),
        )
        .then(format!("select count(*) from {members} where user_id = '{BOB}'"), "2"),
        probe(
            "a used token fails like an unknown one",
            MEMBER,
            n.accept_sql(&bob_token),
            Expect::Fails("P0002"),
        ),
        probe(
            "an expired token fails like an unknown one",
            OTHER,
            n.accept_sql(&expired_token),
            Expect::Fails("P0002"),
        ),
        probe(
            "a revoked token fails like an unknown one",
            OTHER,
            n.accept_sql(&revoked_token),
            Expect::Fails("P0002"),
        ),
        probe(
            "an unknown token fails",
            OTHER,
            n.accept_sql(&"f".repeat(64)),
            Expect::Fails("P0002"),
        ),
        probe(
            "an invitation whose inviter lost their role fails like an unknown one, at acceptance",
            ADMIN,
            n.accept_sql(&demoted_token),
            Expect::Fails("P0002"),
        )
        .then(role_in(w2, DAVE), "none"),
        probe(
            "a member cannot revoke an invitation",
            MEMBER,
            format!("select {}('{carol_invitation}')", n.revoke),
            Expect::Fails("P0002"),
        )
        .then(status_of(&carol_invitation), "pending"),
        probe(
            "an outsider cannot re-send one",
            OTHER,
            format!("select token from {}('{carol_invitation}')", n.resend),
            Expect::Fails("P0002"),
        ),
        probe(
            "nor record a send result",
            OTHER,
            format!("select {}('{}', 'forged', null)", n.record_email, "0".repeat(64)),
            prints("f"),
        ),
        probe(
            "the invitee declines",
            MEMBER,
            format!("select {}('{carol_invitation}')", n.decline),
            prints(&carol_invitation),
        )
        .then(status_of(&carol_invitation), "declined"),
        probe(
            "the invitee's membership is what it was",
            MEMBER,
            role_in(w1, CAROL),
            prints("member"),
        ),
    ])
}

/// Two sessions of the invitee accept one invitation at once (a double click): the second waits
/// for the first (the invitation row is locked), then answers the same; one membership.
pub(super) fn concurrent_accept(suite: &Suite) -> Result<(), String> {
    let (tenant, members) = tenant(suite)?;
    let n = Names::of(tenant)?;
    let db = suite
        .database_with("concurrent_accept", tenant.index + 1)
        .map_err(|e| e.join("\n"))?;
    create_users(&db).map_err(|e| e.join("\n"))?;
    let w = insert_valid_row(suite, &db, tenant, ALICE, new_seq())?;
    let (_, token) = invite(&db, &n, ALICE, &w, "bob@example.com", "admin")?;
    let accept = format!(
        "\\set VERBOSITY verbose\nbegin;\n\\o /dev/null\nselect set_config('role', 'authenticated', true), set_config('request.jwt.claims', {}, true);\n\\o\n{};\n",
        sql_literal(&json!({ "sub": BOB, "role": "authenticated" }).to_string()),
        n.accept_sql(&token)
    );
    let mut first = Session::start(&db, "accept_first");
    first.send(&accept);
    let first_accepted = first.wait_for(&db, "idle in transaction", false);
    let mut second = Session::start(&db, "accept_second");
    second.send(&format!("{accept}commit;\n"));
    let second_waits = second.wait_for(&db, "active", true);
    first.send("commit;\n");
    let (first_ok, first_out, first_err) = first.finish();
    let (second_ok, second_out, second_err) = second.finish();
    let memberships = db.psql(&format!(
        "select count(*) || ' ' || string_agg(role::text, ',') from {members} where workspace_id = '{w}' and user_id = '{BOB}'"
    ))?;
    let mut failures = Vec::new();
    if let Err(e) = first_accepted {
        failures.push(format!(
            "the first accept did not go through: {e}\n{first_err}"
        ));
    }
    if let Err(e) = second_waits {
        failures.push(format!("the second accept did not wait for the first: {e}"));
    }
    for (which, ok, out, err) in [
        ("first", first_ok, &first_out, &first_err),
        ("second", second_ok, &second_out, &second_err),
    ] {
        if !ok || out.trim() != w {
            failures.push(format!(
                "the {which} accept should answer {w}, got {out:?} (success: {ok})\n{err}"
            ));
        }
    }
    if memberships != "1 admin" {
        failures.push(format!(
            "memberships afterwards: {memberships}, expected one, admin"
        ));
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!(
            "tenant: concurrent accept: {}",
            failures.join("\n")
        ))
    }
}
