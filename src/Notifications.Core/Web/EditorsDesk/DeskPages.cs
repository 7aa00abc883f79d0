using Notifications.Pipeline;

namespace Notifications.Web;

/// <summary>
/// The editors' desk (Editor role): the articles list, write/paste/upload with the checks at once, the three-language preview,
/// and the actions (draft, publish now or at a date, send a test, correct, withdraw), over <see cref="ArticleDesk"/>.
/// [GROUNDWORK: helper "desk" implements this.]
/// </summary>
public sealed class DeskPages(ConsoleGate gate, ConsoleRenderer renderer, ArticleDesk desk, ArticlePages pages)
{
    public override string ToString() => $"{gate}{renderer}{desk}{pages}";
}
