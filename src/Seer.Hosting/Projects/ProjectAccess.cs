using Seer.ActiveLearning.Projects;
using Seer.Core.Errors;

namespace Seer.Hosting.Projects;

/// <summary>
/// Who may see and work on a project: admins every project; members the projects they own and the shared ones (no
/// owner: made with <c>seer project create</c> without --owner). Anyone else gets a forbidden error naming the owner.
/// </summary>
public static class ProjectAccess
{
    public static bool Allows(Project project, string user, bool isAdmin)
    {
        ArgumentNullException.ThrowIfNull(project);
        return isAdmin || project.Owner is null || string.Equals(project.Owner, user, StringComparison.Ordinal);
    }

    public static void Demand(Project project, string user, bool isAdmin)
    {
        if (!Allows(project, user, isAdmin))
            throw new SeerException(ErrorCodes.Forbidden,
                $"project '{project.Name}' belongs to '{project.Owner}'; only its owner or an admin can see it or start its iterations", project.Name);
    }
}
