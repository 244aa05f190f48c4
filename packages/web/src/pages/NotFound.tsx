import { Anchor, Text, Title } from "@mantine/core";
import { Link } from "react-router";

export function NotFound() {
  return (
    <>
      <Title order={2}>Not found</Title>
      <Text>
        No page here. <Anchor component={Link} to="/">Back to the projects</Anchor>.
      </Text>
    </>
  );
}
