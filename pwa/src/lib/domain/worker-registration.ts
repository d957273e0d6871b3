import { tryNormalisePhone, validateIdNumber } from '@jiazheng/sync/domain';
import type { RegisterWorkerRequest } from '../api/hub-types';

/*
 * The registry officer's "register a worker" form (RegistryReview's workers). The identity number is
 * checked here as the hub will (GB 11643: 18 characters, the check character, a real birth date), so a
 * typo is caught before anything is sent; the hub masks it for the record and keeps the full one sealed.
 */

export type WorkerForm = { name: string; idNumber: string; phone: string };
export type WorkerFormField = keyof WorkerForm;
/** Keys under `registry.workerForm.errors`. */
export type WorkerFormError =
  'nameRequired' | 'nameTooLong' | 'idNumberRequired' | 'idNumberInvalid' | 'phoneInvalid';

export function emptyWorkerForm(): WorkerForm {
  return { name: '', idNumber: '', phone: '' };
}

export function buildRegisterWorkerRequest(options: {
  enterpriseId: string;
  form: WorkerForm;
}):
  | { ok: true; value: RegisterWorkerRequest }
  | { ok: false; errors: Partial<Record<WorkerFormField, WorkerFormError>> } {
  const { form } = options;
  const errors: Partial<Record<WorkerFormField, WorkerFormError>> = {};
  const name = form.name.trim();
  if (name === '') errors.name = 'nameRequired';
  else if (name.length > 40) errors.name = 'nameTooLong';
  // Typed with spaces or a lower-case x as often as not.
  const idNumber = form.idNumber.replace(/\s+/g, '').toUpperCase();
  if (idNumber === '') errors.idNumber = 'idNumberRequired';
  else if (!validateIdNumber({ idNumber }).ok) errors.idNumber = 'idNumberInvalid';
  const phoneText = form.phone.trim();
  let phone: string | null = null;
  if (phoneText !== '') {
    const normalised = tryNormalisePhone({ input: phoneText });
    if (normalised.ok) phone = normalised.value.canonical;
    else errors.phone = 'phoneInvalid';
  }
  if (Object.keys(errors).length > 0) return { ok: false, errors };
  return { ok: true, value: { enterpriseId: options.enterpriseId, name, idNumber, phone } };
}

/** Which form field the hub's refusal names, if it names one of them. */
export function workerFieldOfRefusal(field: string | null): WorkerFormField | null {
  return field === 'name' || field === 'idNumber' || field === 'phone' ? field : null;
}
