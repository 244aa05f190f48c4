import { useParams } from "react-router";
import { ProjectHeader } from "../components/ProjectHeader.tsx";
import { Unavailable } from "../components/badges.tsx";

export function SchedulesPage() {
  const { project = "" } = useParams();
  return (
    <>
      <ProjectHeader project={project} tab="schedules" />
      <Unavailable what="Schedules" endpoint="/api/v1/schedules" />
    </>
  );
}
