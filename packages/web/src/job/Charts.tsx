// ECharts line/pie charts, loaded on demand (the Metrics tab imports this file lazily).

import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { LineChart, PieChart } from "echarts/charts";
import { GraphicComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent } from "echarts/components";
import { CanvasRenderer } from "echarts/renderers";

echarts.use([LineChart, PieChart, GraphicComponent, GridComponent, LegendComponent, TitleComponent, TooltipComponent, CanvasRenderer]);

export interface Series {
  name: string;
  points: [number, number][];
}

function useChart(option: echarts.EChartsCoreOption) {
  const ref = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  useEffect(() => {
    chart.current = echarts.init(ref.current!, undefined, { renderer: "canvas" });
    const resize = () => chart.current?.resize();
    window.addEventListener("resize", resize);
    return () => {
      window.removeEventListener("resize", resize);
      chart.current?.dispose();
    };
  }, []);
  useEffect(() => {
    chart.current?.setOption(option, { notMerge: true });
  }, [option]);
  return ref;
}

export function TimeChart({ title, unit, series }: { title: string; unit: string; series: Series[] }) {
  const empty = series.every((s) => s.points.length < 2);
  const ref = useChart({
    graphic: empty ? { type: "text", left: "center", top: "middle", style: { text: "not enough samples yet", fill: "#868e96" } } : undefined,
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: "axis" },
    grid: { left: 56, right: 16, top: 36, bottom: 28 },
    xAxis: { type: "time" },
    yAxis: { type: "value", name: unit, nameTextStyle: { fontSize: 10 } },
    legend: series.length > 1 ? { top: 4, right: 8 } : undefined,
    series: series.map((s) => ({ name: s.name, type: "line", showSymbol: false, data: s.points })),
  });
  return <div ref={ref} style={{ height: 220 }} role="img" aria-label={`${title} chart`} />;
}

export function PieMix({ title, data }: { title: string; data: { name: string; value: number }[] }) {
  const ref = useChart({
    title: { text: title, textStyle: { fontSize: 13 } },
    tooltip: { trigger: "item" },
    series: [{ type: "pie", radius: ["30%", "60%"], center: ["50%", "58%"], data, label: { formatter: "{b}: {c}" } }],
  });
  return <div ref={ref} style={{ height: 220 }} role="img" aria-label={`${title} chart`} />;
}
