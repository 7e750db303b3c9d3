import {
  Body,
  Button,
  Container,
  Head,
  Heading,
  Html,
  Link,
  Preview,
  Text,
  plainTextSelectors,
  render,
  toPlainText,
} from "@react-email/components";

/**
 * What an invitation email shows, and nothing more: what the invitee is invited to, who invited
 * them and the link that accepts. Whoever can rename what is joined chooses its name: it is
 * only ever text (React escapes it), never markup.
 */
export type InvitationEmailProps = {
  /** Its name, or what it is when it has none: `a workspace`. */
  joining: string;
  /** The inviter's address, as the database has it (users cannot set it to anything). */
  inviter: string;
  /** The page that accepts the invitation. */
  url: string;
};

export function InvitationEmail({
  joining,
  inviter,
  url,
}: InvitationEmailProps) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{`${inviter} invited you to join ${joining}`}</Preview>
      <Body>
        <Container>
          <Heading as="h1">Join {joining}</Heading>
          <Text>
            {inviter} invited you to join {joining}.
          </Text>
          <Button href={url}>Accept the invitation</Button>
          <Text>
            Or open this link: <Link href={url}>{url}</Link>
          </Text>
          <Text>If you did not expect this invitation, ignore this email.</Text>
        </Container>
      </Body>
    </Html>
  );
}

/** The invitation email as Resend sends it: its subject, HTML and plain text. */
export async function renderInvitationEmail(props: InvitationEmailProps) {
  const html = await render(<InvitationEmail {...props} />);
  // One line: a name with line breaks must not break the subject header.
  const subject = `${props.inviter} invited you to join ${props.joining}`;
  return {
    subject: subject.replace(/\s+/g, " "),
    html,
    // The heading keeps the name as written (html-to-text capitalises headings by default).
    text: toPlainText(html, {
      selectors: [
        ...plainTextSelectors,
        { selector: "h1", options: { uppercase: false } },
      ],
    }),
  };
}
