using Notifications.Web;

namespace Notifications.Core.Tests.Web;

/// <summary>The geometry of the dashboard's server-rendered SVG bar charts.</summary>
public sealed class BarChartTests
{
    [Theory]
    [InlineData(0, 1)]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 5)]
    [InlineData(7, 10)]
    [InlineData(11, 20)]
    [InlineData(4999, 5000)]
    public void TheScaleIsARoundNumberAtOrAboveTheLargestCount(int largest, int maximum)
        => Assert.Equal(maximum, BarChart.RoundUp(largest));

    [Fact]
    public void BarsStandOnTheBottomAxisScaledToTheRoundMaximum()
    {
        var chart = BarChart.Layout([new ChartColumn("a", 10), new ChartColumn("b", 0), new ChartColumn("c", 20), new ChartColumn("d", 1)],
            width: 244, height: 134);

        // Plot: x 44..236 (4 columns of 48), y 10..110; maximum 20 → 5 units per subscriber.
        Assert.Equal(20, chart.Maximum);
        Assert.Equal(110, chart.AxisY);
        Assert.Equal(3, chart.Bars.Count); // no bar for zero
        var a = chart.Bars[0];
        Assert.Equal((44 + 7.2, 60.0, 33.6, 50.0, false, 10), (a.X, a.Y, a.Width, a.Height, a.Down, a.Value));
        Assert.Equal((10.0, 100.0), (chart.Bars[1].Y, chart.Bars[1].Height));
        Assert.Equal(5, chart.Bars[2].Height);
        Assert.Equal(["0", "20"], chart.Ticks.Select(t => t.Label));
        Assert.Equal(["a", "b", "c", "d"], chart.Labels.Select(l => l.Text));
        Assert.Equal(44 + 24, chart.Labels[0].X);
    }

    [Fact]
    public void DownwardCountsHangBelowAMiddleAxisOnTheSameScale()
    {
        var chart = BarChart.Layout([new ChartColumn("w1", 5, 2), new ChartColumn("w2", 1, 10)], width: 244, height: 134);

        Assert.Equal(10, chart.Maximum);
        Assert.Equal(60, chart.AxisY);
        var down = chart.Bars.Where(b => b.Down).ToList();
        Assert.Equal([(60.0, 10.0), (60.0, 50.0)], down.Select(b => (b.Y, b.Height)));
        Assert.Equal((35.0, 25.0), (chart.Bars[0].Y, chart.Bars[0].Height));
        Assert.Equal(3, chart.Ticks.Count);
    }

    [Fact]
    public void ASmallCountStaysVisibleAndManyColumnsGetEveryFewLabels()
    {
        var columns = Enumerable.Range(0, 24).Select(i => new ChartColumn(i.ToString("00", System.Globalization.CultureInfo.InvariantCulture),
            i == 0 ? 1 : 5000)).ToList();

        var chart = BarChart.Layout(columns);

        Assert.True(chart.Bars[0].Height >= 1);
        Assert.Equal(["00", "03", "06", "09", "12", "15", "18", "21"], chart.Labels.Select(l => l.Text));
    }
}
