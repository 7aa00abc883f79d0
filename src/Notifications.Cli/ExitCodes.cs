namespace Notifications.Cli;

/// <summary>What <c>notify</c> exits with (docs/cli.md, "Exit codes").</summary>
public static class ExitCodes
{
    /// <summary>Done.</summary>
    public const int Ok = 0;

    /// <summary>An error, or something failed (a batch failed or is uncertain, a run paused, a file rejected).</summary>
    public const int Failed = 1;

    /// <summary>
    /// Nothing went wrong, but the work is held elsewhere for now: another planner holds the run, or queue messages are in flight.
    /// Try again after the time the command names (75 is EX_TEMPFAIL of sysexits.h: "try again later").
    /// </summary>
    public const int TryLater = 75;

    /// <summary>The code of several results together: a failure wins over "try later", which wins over done.</summary>
    public static int Worst(int a, int b)
        => a == Failed || b == Failed ? Failed : a == TryLater || b == TryLater ? TryLater : Math.Max(a, b);
}
