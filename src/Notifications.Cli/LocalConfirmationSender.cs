using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Notifications.Pipeline;

namespace Notifications.Cli;

/// <summary>
/// Under <c>notify serve</c>, the SubscribeConfirmation queue function's part: every <see cref="Interval"/> it sends the
/// confirmation emails waiting on the subscribe-confirmations queue, over the same call as <c>notify subscribers
/// send-confirmations</c>, so a subscribe form tried locally gets its email. Stops with the server; a failed round is logged
/// (once until a round succeeds again) and tried at the next tick, never ending serve.
/// </summary>
public sealed class LocalConfirmationSender(
    ConfirmationRequested confirmations,
    TimeProvider time,
    ILogger<LocalConfirmationSender> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromSeconds(2);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var failing = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var drained = await confirmations.SendWaitingAsync(stoppingToken);
                if (drained.Handled > 0)
                    logger.LogInformation("{Handled} subscribe requests handled: {Sent} confirmation emails sent", drained.Handled, drained.Sent);
                if (failing) logger.LogWarning("Sending subscribe confirmations works again");
                failing = false;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!failing)
                    logger.LogError(e, "Sending subscribe confirmations failed; notify serve tries again every {Interval} s", Interval.TotalSeconds);
                failing = true;
            }
            try
            {
                await Task.Delay(Interval, time, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
