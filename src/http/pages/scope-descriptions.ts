/**
 * One line a person can read for each scope on the consent page. Well-known Slack scopes have
 * Slack's own wording; any other `resource:action` scope is described from its parts.
 */
const KNOWN: Readonly<Record<string, string>> = {
  identify: 'Confirm your identity',
  bot: 'Add a bot user to the workspace',
  incoming_webhook: 'Post messages to a channel you choose',
  commands: 'Add shortcuts and slash commands',
  'identity.basic': 'View your name and Slack ID',
  'identity.email': 'View your email address',
  'identity.team': 'View your workspace name',
  'identity.avatar': 'View your profile picture',
  openid: 'Sign you in with OpenID Connect',
  email: 'View your email address',
  profile: 'View your name and profile picture',
  'app_mentions:read': 'View messages that directly mention the app',
  'channels:history': 'View messages and other content in public channels',
  'channels:read': 'View basic information about public channels',
  'channels:join': 'Join public channels',
  'channels:manage': 'Manage public channels and create new ones',
  'chat:write': 'Send messages',
  'chat:write.public': 'Send messages to channels the app is not a member of',
  'chat:write.customize': 'Send messages with a customized name and avatar',
  'emoji:read': 'View custom emoji',
  'files:read': 'View files shared in channels and conversations',
  'files:write': 'Upload, edit and delete files',
  'groups:history': 'View messages and other content in private channels',
  'groups:read': 'View basic information about private channels',
  'im:history': 'View messages and other content in direct messages',
  'im:read': 'View basic information about direct messages',
  'im:write': 'Start direct messages with people',
  'mpim:history': 'View messages and other content in group direct messages',
  'mpim:read': 'View basic information about group direct messages',
  'reactions:read': 'View emoji reactions and their associated content',
  'reactions:write': 'Add and edit emoji reactions',
  'team:read': 'View the name, email domain and icon of the workspace',
  'usergroups:read': 'View user groups',
  'users:read': 'View people in the workspace',
  'users:read.email': 'View email addresses of people in the workspace',
  'users.profile:read': 'View profile details about people in the workspace',
  'users:write': 'Set presence for the app',
  read: 'Read all of your content',
  post: 'Post messages',
  client: 'Act as you in Slack clients',
  admin: 'Administer the workspace',
};

const ACTIONS: Readonly<Record<string, string>> = {
  read: 'View',
  write: 'Change',
  history: 'View the history of',
  manage: 'Manage',
  join: 'Join',
};

export function describeScope(scope: string): string {
  const known = KNOWN[scope];
  if (known) return known;
  const [resource, action] = scope.split(':', 2);
  if (resource && action) {
    const verb = ACTIONS[action.split('.')[0] ?? ''] ?? `Use “${action}” on`;
    return `${verb} ${resource.replace(/[._]/g, ' ')}`;
  }
  return `Use the “${scope}” permission`;
}
