/**
 * The report's pictures, drawn by recharts as SVG. They carry no numbers that the figure's
 * table lacks; series differ by line style and markers as well as colour, and every bar is
 * labelled with its count, so nothing is told by colour alone. Sizes are fixed (the SVG has a
 * viewBox and report.css scales it to the column), which also lets jsdom render them.
 */
import { Bar, BarChart, CartesianGrid, LabelList, Legend, Line, LineChart, XAxis, YAxis } from "recharts";

const WIDTH = 720;
/** 6.3:1 and 6.0:1 on white: well past the 3:1 graphical objects need. */
export const LOANS_COLOUR = "#1f5fa8";
export const RETURNS_COLOUR = "#8a4b00";
const AXIS_COLOUR = "#4a5565";

export interface DailyPoint {
  day: string;
  loans: number;
  returns: number;
}

export function DailyChart({
  points,
  loansLabel,
  returnsLabel,
  formatDay,
  formatCount,
}: {
  points: DailyPoint[];
  loansLabel: string;
  returnsLabel: string;
  formatDay: (day: string) => string;
  formatCount: (n: number) => string;
}) {
  // Markers on every point only while they stay distinguishable.
  const dots = points.length <= 45;
  return (
    <LineChart width={WIDTH} height={280} data={points} accessibilityLayer={false} margin={{ top: 10, right: 20, bottom: 5, left: 0 }}>
      <CartesianGrid stroke="#d5dae1" strokeDasharray="2 4" />
      <XAxis dataKey="day" tickFormatter={formatDay} stroke={AXIS_COLOUR} minTickGap={16} />
      <YAxis allowDecimals={false} tickFormatter={formatCount} stroke={AXIS_COLOUR} width={48} />
      <Legend iconType="plainline" />
      <Line
        type="linear"
        dataKey="loans"
        name={loansLabel}
        stroke={LOANS_COLOUR}
        strokeWidth={2.5}
        dot={dots ? { r: 3, fill: LOANS_COLOUR } : false}
        isAnimationActive={false}
      />
      <Line
        type="linear"
        dataKey="returns"
        name={returnsLabel}
        stroke={RETURNS_COLOUR}
        strokeWidth={2.5}
        strokeDasharray="7 4"
        dot={dots ? { r: 3, fill: "#ffffff", stroke: RETURNS_COLOUR, strokeWidth: 2 } : false}
        isAnimationActive={false}
      />
    </LineChart>
  );
}

export interface BarDatum {
  key: string;
  label: string;
  count: number;
}

/** A long branch name would run off the picture; the table beside it has it whole. */
export function shorten(label: string): string {
  return label.length > 24 ? `${label.slice(0, 23).trimEnd()}…` : label;
}

/** Horizontal bars, longest names readable, each with its count written at its end. */
export function CountBars({ bars, formatCount }: { bars: BarDatum[]; formatCount: (n: number) => string }) {
  const height = 30 + bars.length * 34;
  return (
    <BarChart
      width={WIDTH}
      height={height}
      data={bars}
      layout="vertical"
      accessibilityLayer={false}
      margin={{ top: 5, right: 60, bottom: 5, left: 10 }}
    >
      <CartesianGrid stroke="#d5dae1" strokeDasharray="2 4" horizontal={false} />
      <XAxis type="number" allowDecimals={false} tickFormatter={formatCount} stroke={AXIS_COLOUR} />
      <YAxis type="category" dataKey="label" width={180} stroke={AXIS_COLOUR} tickFormatter={shorten} />
      <Bar dataKey="count" fill={LOANS_COLOUR} barSize={22} isAnimationActive={false}>
        <LabelList dataKey="count" position="right" fill="#1d2430" formatter={(v: unknown) => formatCount(Number(v))} />
      </Bar>
    </BarChart>
  );
}
