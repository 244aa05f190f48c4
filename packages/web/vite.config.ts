import { defineConfig } from "vite";
import react from "@vitejs/plugin-react";

// The dashboard is served by `trawler serve` at /; `npm run dev -w @trawler/web` proxies the API
// to a server on 127.0.0.1:6800 (override with TRAWLER_URL).
export default defineConfig({
  root: import.meta.dirname,
  base: "/",
  plugins: [react()],
  build: {
    outDir: "dist",
    emptyOutDir: true,
    chunkSizeWarningLimit: 1200,
    rollupOptions: {
      output: {
        manualChunks(id: string) {
          if (id.includes("node_modules/echarts") || id.includes("node_modules/zrender")) return "echarts";
          if (id.includes("node_modules/@mantine")) return "mantine";
          if (id.includes("node_modules/react") || id.includes("node_modules/scheduler")) return "react";
          return undefined;
        },
      },
    },
  },
  server: {
    proxy: { "/api": process.env.TRAWLER_URL ?? "http://127.0.0.1:6800" },
  },
});
