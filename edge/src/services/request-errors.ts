import { DomainError, DomainErrorCode } from '@jiazheng/sync/domain';

/**
 * The domain names a payload's fields as parts of the command (`command.payload.checklist`); the request
 * body has them as `payload.checklist`, which is what the client can act on.
 */
export function asRequestError(error: DomainError): DomainError {
  const field = error.field;
  if (field === undefined || !field.startsWith('command.payload')) return error;
  const renamed = field.slice('command.'.length);
  return new DomainError({
    code: error.code,
    field: renamed,
    message: error.message.replace(field, renamed),
  });
}

export function recordNotFound(recordId: string): DomainError {
  return new DomainError({
    code: DomainErrorCode.notFound,
    field: 'recordId',
    message: `recordId: the hub holds no record ${recordId}`,
  });
}
