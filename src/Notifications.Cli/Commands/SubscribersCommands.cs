using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Digests;
using Notifications.Subscribers;

namespace Notifications.Cli.Commands;

public static class SubscribersCommands
{
    public static Command Create(CliContext cli)
    {
        var subscribers = new Command("subscribers", "Manage subscribers.");

        var email = new Option<string>("--email") { Description = "The subscriber's address.", Required = true };
        var name = new Option<string>("--name") { Description = "Full name.", Required = true };
        var organization = new Option<string>("--organization") { Description = "The member administration, e.g. 'Customs Committee of Uzbekistan'.", Required = true };
        var language = new Option<string>("--language") { Description = "en, ru or fr.", DefaultValueFactory = _ => "en" };
        var frequency = new Option<string>("--frequency") { Description = "daily or weekly.", DefaultValueFactory = _ => "daily" };
        var add = new Command("add", "Add an active subscriber.") { email, name, organization, language, frequency };
        add.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var added = await services.GetRequiredService<SubscriberStore>().AddAsync(new NewSubscriber(
                parse.GetValue(email)!, parse.GetValue(name)!, parse.GetValue(organization)!,
                parse.GetValue(language)!, DigestPeriod.ParseFrequency(parse.GetValue(frequency)!)), ct);
            await cli.Out.WriteLineAsync($"Added {added.Email} ({added.Organization}), {added.Frequency.ToString().ToLowerInvariant()}, {added.Language}, id {added.Id}.");
            return 0;
        }));

        var list = new Command("list", "List subscribers.") { CliContext.JsonOption };
        list.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var all = (await services.GetRequiredService<SubscriberStore>().ListAsync(ct)).OrderBy(s => s.Email, StringComparer.Ordinal).ToList();
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(all.Select(s => new
                {
                    id = s.Id, email = s.Email, name = s.Name, organization = s.Organization, language = s.Language,
                    frequency = s.Frequency, status = s.Status, createdAt = s.CreatedAt, updatedAt = s.UpdatedAt,
                }));
            else
                foreach (var s in all)
                    await cli.Out.WriteLineAsync($"{s.Status.ToString().ToLowerInvariant(),-12} {s.Frequency.ToString().ToLowerInvariant(),-7} {s.Language}  {s.Email}  {s.Name} ({s.Organization})");
            return 0;
        }));

        subscribers.Subcommands.Add(add);
        subscribers.Subcommands.Add(list);
        return subscribers;
    }
}
