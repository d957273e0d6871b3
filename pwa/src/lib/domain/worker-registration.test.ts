import { expect, test } from 'vitest';
import { en } from '../i18n/en';
import { zhCN } from '../i18n/zh-CN';
import {
  buildRegisterWorkerRequest,
  emptyWorkerForm,
  workerFieldOfRefusal,
  type WorkerFormError,
} from './worker-registration';

const enterpriseId = 'enterprise:hub:01JBQ5M8X0000000000000000E';

test('a valid form becomes the request: number upper-cased without spaces, phone canonical', () => {
  expect(
    buildRegisterWorkerRequest({
      enterpriseId,
      form: { name: ' 孙阿姨 ', idNumber: '110105 19491231 002x', phone: '138 0013 8000' },
    }),
  ).toEqual({
    ok: true,
    value: { enterpriseId, name: '孙阿姨', idNumber: '11010519491231002X', phone: '+8613800138000' },
  });
  expect(
    buildRegisterWorkerRequest({
      enterpriseId,
      form: { name: '孙阿姨', idNumber: '11010519491231002X', phone: '' },
    }),
  ).toMatchObject({ ok: true, value: { phone: null } });
});

test('every field is checked at once: a wrong check character, a missing name, a bad phone', () => {
  expect(
    buildRegisterWorkerRequest({
      enterpriseId,
      form: { name: '', idNumber: '110105194912310021', phone: '12' },
    }),
  ).toEqual({
    ok: false,
    errors: { name: 'nameRequired', idNumber: 'idNumberInvalid', phone: 'phoneInvalid' },
  });
  expect(buildRegisterWorkerRequest({ enterpriseId, form: emptyWorkerForm() })).toEqual({
    ok: false,
    errors: { name: 'nameRequired', idNumber: 'idNumberRequired' },
  });
  // 1949-02-30 is no date.
  expect(
    buildRegisterWorkerRequest({
      enterpriseId,
      form: { name: '孙', idNumber: '110105194902300028', phone: '' },
    }),
  ).toMatchObject({ ok: false, errors: { idNumber: 'idNumberInvalid' } });
  expect(
    buildRegisterWorkerRequest({
      enterpriseId,
      form: { name: '孙'.repeat(41), idNumber: '11010519491231002X', phone: '' },
    }),
  ).toMatchObject({ ok: false, errors: { name: 'nameTooLong' } });
});

test("the hub's refusals are placed on their field; others stay with the form", () => {
  expect(workerFieldOfRefusal('idNumber')).toBe('idNumber');
  expect(workerFieldOfRefusal('enterpriseId')).toBeNull();
  expect(workerFieldOfRefusal(null)).toBeNull();
});

test('every error has its words in both languages', () => {
  const errors: WorkerFormError[] = [
    'nameRequired',
    'nameTooLong',
    'idNumberRequired',
    'idNumberInvalid',
    'phoneInvalid',
  ];
  for (const language of [zhCN, en]) {
    for (const error of errors) expect(language.registry.workerForm.errors[error]).toMatch(/\S/);
  }
});
