using System.Collections.Immutable;
using Cruddur.Grains.Models;

namespace Cruddur.Grains;

/// <summary>
/// Every unexpired post, searchable by message, handle or display name. One index: call it with key 0. Authors keep it
/// current as they post, get replies and reclaim; on activation it reads every author's page again.
/// </summary>
public interface ISearchGrain : IGrainWithIntegerKey
{
    Task<ImmutableArray<Activity>> SearchAsync(string term);

    Task IndexAsync(Activity activity);

    Task RemoveAsync(ImmutableArray<Guid> uuids);
}
