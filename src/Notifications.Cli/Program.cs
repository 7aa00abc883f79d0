using Notifications.Cli;

return await NotifyCli.RunAsync(args, Console.Out, Console.Error);
