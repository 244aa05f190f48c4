import { Route, Routes } from "react-router";
import { Layout } from "./components/Layout.tsx";
import { HomePage } from "./pages/Home.tsx";
import { ProjectJobsPage } from "./pages/ProjectJobs.tsx";
import { SpidersPage } from "./pages/Spiders.tsx";
import { JobPage } from "./pages/Job.tsx";
import { SchedulesPage } from "./pages/Schedules.tsx";
import { NodesPage } from "./pages/Nodes.tsx";
import { NotFound } from "./pages/NotFound.tsx";

export function App() {
  return (
    <Routes>
      <Route element={<Layout />}>
        <Route index element={<HomePage />} />
        <Route path="p/:project" element={<ProjectJobsPage />} />
        <Route path="p/:project/spiders" element={<SpidersPage />} />
        <Route path="p/:project/schedules" element={<SchedulesPage />} />
        <Route path="nodes" element={<NodesPage />} />
        <Route path="jobs/:p/:s/:n/:tab?" element={<JobPage />} />
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}
