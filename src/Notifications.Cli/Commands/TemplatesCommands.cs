using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Notifications.Digests;

namespace Notifications.Cli.Commands;

/// <summary>
/// <c>notify templates list|show|save|history|rollback|remove</c>: the console's template editor in the terminal, over the same
/// <see cref="TemplateWorkbench"/> (a save passes the start-up checks or writes nothing; the replaced version is kept). Previews and
/// tests of the digest: <c>notify digest preview</c> and <c>send-test</c>.
/// </summary>
public static class TemplatesCommands
{
    public static Command Create(CliContext cli)
    {
        var templates = new Command("templates",
            "The digest templates: list them with their status, show one, save an override (checked first), see its earlier versions, " +
            "roll back to one, or remove the override.");
        templates.Subcommands.Add(List(cli));
        templates.Subcommands.Add(Show(cli));
        templates.Subcommands.Add(Save(cli));
        templates.Subcommands.Add(History(cli));
        templates.Subcommands.Add(Rollback(cli));
        templates.Subcommands.Add(Remove(cli));
        return templates;
    }

    private static Argument<string> NameArgument()
        => new("name") { Description = "A digest template, e.g. digest-footer.html.sbn (notify templates list shows them)." };

    private static Option<string> ByOption()
        => new("--by")
        {
            Description = "Who makes the change, kept with the version (default: your user name).", DefaultValueFactory = _ => Environment.UserName,
        };

    private static Option<string?> ETagOption()
        => new("--etag")
        {
            Description = "Change the override only if it still has this ETag (notify templates show --json prints it); default: whatever is there now.",
        };

    private static Command List(CliContext cli)
    {
        var list = new Command("list", "Every digest template: built in, overridden (in use or rejected, with why), who saved the override.")
            { CliContext.JsonOption };
        list.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var entries = await services.GetRequiredService<TemplateWorkbench>().ListAsync(ct);
            if (parse.GetValue(CliContext.JsonOption))
            {
                await cli.WriteJsonAsync(entries.Select(Json));
                return ExitCodes.Ok;
            }
            foreach (var e in entries)
            {
                await cli.Out.WriteLineAsync($"{e.Name,-28} {Status(e),-22} {(e.SavedAt is { } at ? $"saved {at:yyyy-MM-dd HH:mm} UTC" : "")}" +
                    (e.SavedBy is { } by ? $" by {by}" : ""));
                foreach (var p in e.Problems)
                    await cli.Out.WriteLineAsync("    " + Describe(p));
            }
            return entries.Any(e => e.Overridden && !e.InUse) ? ExitCodes.Failed : ExitCodes.Ok;
        }));
        return list;
    }

    private static Command Show(CliContext cli)
    {
        var name = NameArgument();
        var version = new Option<string?>("--version") { Description = "An earlier version's id (notify templates history), or builtin." };
        var show = new Command("show", "Print the template in force (the override, else the built-in one), an earlier version, or the built-in one.")
            { name, version, CliContext.JsonOption };
        show.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var workbench = services.GetRequiredService<TemplateWorkbench>();
            if (await workbench.OpenAsync(parse.GetValue(name)!, ct) is not { } document)
                throw new ArgumentException($"'{parse.GetValue(name)}' is not a digest template name; notify templates list shows them.");
            var text = parse.GetValue(version) switch
            {
                null or "" => document.Source,
                "builtin" => document.BuiltInSource ?? throw new ArgumentException($"{document.Entry.Name} has no built-in version."),
                { } id => await services.GetRequiredService<TemplateHistory>().ReadAsync(document.Entry.Name, id, ct)
                          ?? throw new ArgumentException(
                              $"{document.Entry.Name} has no version '{id}'; notify templates history {document.Entry.Name} lists them."),
            };
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(new { template = Json(document.Entry), version = parse.GetValue(version), source = text });
            else
                await cli.Out.WriteAsync(text.EndsWith('\n') ? text : text + "\n");
            return ExitCodes.Ok;
        }));
        return show;
    }

    private static Command Save(CliContext cli)
    {
        var name = NameArgument();
        var file = new Option<FileInfo>("--file") { Description = "The template text to save.", Required = true };
        var checkOnly = new Option<bool>("--check") { Description = "Only check it (nothing is written)." };
        var (by, etag) = (ByOption(), ETagOption());
        var save = new Command("save",
            "Save a file as the override of a digest template, after the checks digests get at start (parse; the whole digest renders in " +
            "en, ru and fr with every optional part and with none; the unsubscribe link is kept). A refused file writes nothing; each " +
            "problem is printed with its line and column. The version it replaces is kept (notify templates history).")
            { name, file, checkOnly, by, etag, CliContext.JsonOption };
        save.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var path = parse.GetValue(file)!;
            if (!path.Exists) throw new ArgumentException($"--file {path.FullName} does not exist.");
            if (path.Length > DigestTemplateOverrides.MaxTemplateBytes)
                throw new ArgumentException($"{path.FullName} is larger than {DigestTemplateOverrides.MaxTemplateBytes / 1024} KiB.");
            var text = await File.ReadAllTextAsync(path.FullName, ct);
            var template = parse.GetValue(name)!;
            var workbench = services.GetRequiredService<TemplateWorkbench>();
            if (parse.GetValue(checkOnly))
                return await ReportAsync(cli, parse, template, "checked", new TemplateChange(false, await workbench.CheckAsync(template, text, ct)));
            var expected = parse.GetValue(etag) ?? (await workbench.OpenAsync(template, ct))?.Entry.ETag;
            return await ReportAsync(cli, parse, template, "saved", await workbench.SaveAsync(template, text, expected, parse.GetValue(by), ct));
        }));
        return save;
    }

    private static Command History(CliContext cli)
    {
        var name = NameArgument();
        var history = new Command("history", "The earlier versions of an override, newest first: id, when saved and by whom, when replaced and by whom.")
            { name, CliContext.JsonOption };
        history.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var versions = await services.GetRequiredService<TemplateHistory>().ListAsync(parse.GetValue(name)!, ct);
            if (parse.GetValue(CliContext.JsonOption))
                await cli.WriteJsonAsync(versions);
            else if (versions.Count == 0)
                await cli.Out.WriteLineAsync($"{parse.GetValue(name)} has no earlier versions.");
            else
                foreach (var v in versions)
                    await cli.Out.WriteLineAsync($"{v.Id}  saved {v.SavedAt:yyyy-MM-dd HH:mm} UTC{(v.SavedBy is { } s ? " by " + s : "")}, " +
                        $"replaced {v.ReplacedAt:yyyy-MM-dd HH:mm} UTC{(v.ReplacedBy is { } r ? " by " + r : "")}, {v.Bytes} bytes");
            return ExitCodes.Ok;
        }));
        return history;
    }

    private static Command Rollback(CliContext cli)
    {
        var name = NameArgument();
        var version = new Argument<string>("version") { Description = "The version to go back to (notify templates history lists them)." };
        var yes = new Option<bool>("--yes") { Description = "Do it: without --yes the command says what it would do and changes nothing." };
        var (by, etag) = (ByOption(), ETagOption());
        var rollback = new Command("rollback",
            "Make an earlier version the override again, after the same checks as a save; the override it replaces is kept. Needs --yes.")
            { name, version, yes, by, etag, CliContext.JsonOption };
        rollback.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var (template, id) = (parse.GetValue(name)!, parse.GetValue(version)!);
            var workbench = services.GetRequiredService<TemplateWorkbench>();
            if (await services.GetRequiredService<TemplateHistory>().ReadAsync(template, id, ct) is null)
                throw new ArgumentException($"{template} has no version '{id}'; notify templates history {template} lists them.");
            if (!parse.GetValue(yes))
            {
                await cli.Error.WriteLineAsync($"Version {id} would become the override of {template} again (the override in force now is kept in " +
                    "the history). Nothing was changed: run it again with --yes.");
                return ExitCodes.Failed;
            }
            var expected = parse.GetValue(etag) ?? (await workbench.OpenAsync(template, ct))?.Entry.ETag;
            var change = await workbench.RollBackAsync(template, id, expected, parse.GetValue(by), ct);
            return await ReportAsync(cli, parse, template, "rolled back to " + id, change!);
        }));
        return rollback;
    }

    private static Command Remove(CliContext cli)
    {
        var name = NameArgument();
        var yes = new Option<bool>("--yes") { Description = "Do it: without --yes the command says what it would do and changes nothing." };
        var (by, etag) = (ByOption(), ETagOption());
        var remove = new Command("remove", "Remove an override (kept in the history): digests use the built-in template again. Needs --yes.")
            { name, yes, by, etag, CliContext.JsonOption };
        remove.SetAction((parse, ct) => cli.RunAsync(parse, async services =>
        {
            var template = parse.GetValue(name)!;
            var workbench = services.GetRequiredService<TemplateWorkbench>();
            if (await workbench.OpenAsync(template, ct) is not { Entry.Overridden: true } document)
                throw new ArgumentException($"{template} has no override to remove.");
            if (!parse.GetValue(yes))
            {
                await cli.Error.WriteLineAsync($"The override of {template} would be removed (kept in the history) and digests would use " +
                    $"{(document.Entry.BuiltIn ? "the built-in template" : "no such partial")}. Nothing was changed: run it again with --yes.");
                return ExitCodes.Failed;
            }
            var change = await workbench.RemoveAsync(template, parse.GetValue(etag) ?? document.Entry.ETag, parse.GetValue(by), ct);
            return await ReportAsync(cli, parse, template, "removed", change);
        }));
        return remove;
    }

    private static async Task<int> ReportAsync(CliContext cli, ParseResult parse, string template, string done, TemplateChange change)
    {
        var passed = change.Problems.Count == 0 && !change.Conflict;
        if (parse.GetValue(CliContext.JsonOption))
            await cli.WriteJsonAsync(new
            {
                template, done = change.Done, conflict = change.Conflict, etag = change.ETag,
                problems = change.Problems.Select(ProblemJson),
            });
        else if (change.Done)
            await cli.Out.WriteLineAsync($"{template}: {done}. Digests use it now (other app instances within Digest:TemplateRefresh).");
        else if (change.Conflict)
            await cli.Error.WriteLineAsync($"{template} was changed by someone else meanwhile: nothing was written. Look at it again " +
                $"(notify templates show {template}) and repeat.");
        else if (passed)
            await cli.Out.WriteLineAsync($"{template}: passes every check (nothing was written).");
        else
        {
            await cli.Error.WriteLineAsync($"{template} does not pass the checks; nothing was written:");
            foreach (var p in change.Problems)
                await cli.Error.WriteLineAsync("  " + Describe(p));
        }
        return change.Done || passed ? ExitCodes.Ok : ExitCodes.Failed;
    }

    private static string Status(TemplateEntry e)
        => !e.Overridden ? "built-in" : !e.InUse ? "override REJECTED" : e.BuiltIn ? "override in use" : "added partial in use";

    /// <summary>"digest-footer.html.sbn(3,16) [ru] render: message", as compilers write it.</summary>
    private static string Describe(TemplateOverrideProblem p)
        => $"{p.Template ?? ""}{(p.Line is { } l ? $"({l},{p.Column ?? 0})" : "")}{(p.Language is { } lang ? $" [{lang}]" : "")} {p.Stage}: {p.Message}";

    private static object Json(TemplateEntry e) => new
    {
        name = e.Name, builtIn = e.BuiltIn, overridden = e.Overridden, inUse = e.InUse, etag = e.ETag, savedAt = e.SavedAt, savedBy = e.SavedBy,
        problems = e.Problems.Select(ProblemJson),
    };

    private static object ProblemJson(TemplateOverrideProblem p)
        => new { stage = p.Stage, template = p.Template, line = p.Line, column = p.Column, language = p.Language, message = p.Message };
}
