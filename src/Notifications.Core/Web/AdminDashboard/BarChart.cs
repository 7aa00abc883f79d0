using System.Globalization;

namespace Notifications.Web;

/// <summary>One column of a bar chart: its label, a count drawn up from the axis and one drawn down (diverging charts; 0 otherwise).</summary>
public sealed record ChartColumn(string Label, int Up, int Down = 0);

/// <summary>A bar in the SVG's coordinates (<see cref="BarChart.Width"/> by <see cref="BarChart.Height"/>); <see cref="Down"/>: below the axis.</summary>
public sealed record ChartBar(double X, double Y, double Width, double Height, bool Down, int Value);

/// <summary>A value line across the plot, with its label at the left.</summary>
public sealed record ChartTick(double Y, string Label);

/// <summary>A column's label under the plot (only every few columns when there are many).</summary>
public sealed record ChartLabel(double X, string Text);

/// <summary>
/// The geometry of a small server-rendered SVG bar chart (the template <c>admin-dashboard-chart.html.sbn</c> draws it): no chart
/// library, no script. Values are scaled to a round maximum (1, 2 or 5 times a power of ten); with any downward count the axis sits
/// in the middle (up above it, down below it, on the same scale), else at the bottom. A bar of a count above zero is at least one
/// unit tall, so a small count does not vanish.
/// </summary>
public sealed record BarChart(
    int Width,
    int Height,
    double AxisY,
    double PlotLeft,
    double PlotRight,
    int Maximum,
    IReadOnlyList<ChartBar> Bars,
    IReadOnlyList<ChartTick> Ticks,
    IReadOnlyList<ChartLabel> Labels)
{
    public const int DefaultWidth = 640;
    public const int DefaultHeight = 200;
    private const double Left = 44, Right = 8, Top = 10, Bottom = 24;

    /// <summary>The most column labels written under the plot; the others are in the data table.</summary>
    public const int MaxLabels = 8;

    public static BarChart Layout(IReadOnlyList<ChartColumn> columns, int width = DefaultWidth, int height = DefaultHeight)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 100);
        ArgumentOutOfRangeException.ThrowIfLessThan(height, 60);
        var diverging = columns.Any(c => c.Down > 0);
        var maximum = RoundUp(columns.Select(c => Math.Max(c.Up, c.Down)).DefaultIfEmpty(0).Max());
        var plotTop = Top;
        var plotBottom = height - Bottom;
        var axis = diverging ? (plotTop + plotBottom) / 2 : plotBottom;
        var unit = (axis - plotTop) / maximum;
        var slot = columns.Count == 0 ? 0 : (width - Left - Right) / columns.Count;
        var barWidth = Math.Max(1, slot * 0.7);
        var bars = new List<ChartBar>();
        var labels = new List<ChartLabel>();
        var every = Math.Max(1, (int)Math.Ceiling(columns.Count / (double)MaxLabels));
        for (var i = 0; i < columns.Count; i++)
        {
            var x = Left + slot * i + (slot - barWidth) / 2;
            var column = columns[i];
            if (column.Up > 0)
            {
                var h = Math.Max(1, column.Up * unit);
                bars.Add(new ChartBar(Round(x), Round(axis - h), Round(barWidth), Round(h), false, column.Up));
            }
            if (column.Down > 0)
                bars.Add(new ChartBar(Round(x), Round(axis), Round(barWidth), Round(Math.Max(1, column.Down * unit)), true, column.Down));
            if (i % every == 0) labels.Add(new ChartLabel(Round(Left + slot * i + slot / 2), column.Label));
        }
        var ticks = new List<ChartTick> { new(Round(axis), "0"), new(Round(plotTop), Text(maximum)) };
        if (diverging) ticks.Add(new ChartTick(Round(plotBottom), Text(maximum)));
        return new BarChart(width, height, Round(axis), Left, width - Right, maximum, bars, ticks, labels);
    }

    /// <summary>The smallest of 1, 2, 5, 10, 20, 50, … at or above <paramref name="value"/>.</summary>
    public static int RoundUp(int value)
    {
        if (value <= 1) return 1;
        for (var power = 1; ; power *= 10)
            foreach (var step in (int[])[1, 2, 5])
                if (step * power >= value) return step * power;
    }

    private static double Round(double value) => Math.Round(value, 1);

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
}
