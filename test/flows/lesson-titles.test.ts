/**
 * A lesson asked for by words of its title, outside a lesson, on the shipped lessons: the same words
 * give the same answer with or without "học"/"bài" before them (QA pass: "vneid" opened one lesson
 * while "học vneid" offered two).
 */
import { describe, expect, it } from 'vitest';
import { step } from '../../src/engine/step.js';
import { loadLessonsOrThrow } from '../../src/flows/load.js';
import { resolveFlowsDir } from '../../src/paths.js';
import { env, T0 } from '../engine/harness.js';

const lessons = loadLessonsOrThrow(resolveFlowsDir('flows'));
const greeted = step(lessons, null, { type: 'text', text: 'xin chào' }, env(T0)).state;

function typed(text: string) {
  const r = step(lessons, greeted, { type: 'text', text }, env(T0 + 60_000));
  return { opened: r.state?.current?.flowId, offered: r.replies.at(-1)?.choices?.map((c) => c.label) };
}

describe('words several titles hold offer those lessons, however they are asked for', () => {
  it.each(['vneid', 'VNeID', 'học vneid', 'bài vneid', 'tôi muốn học vneid', 'hoc VNEID'])('%j', (text) => {
    expect(typed(text)).toEqual({ opened: undefined, offered: ['VNeID mức 2', 'Giấy tờ trên VNeID', 'Danh mục'] });
  });
  it.each(['trả tiền', 'học trả tiền'])('%j', (text) => {
    expect(typed(text)).toEqual({ opened: undefined, offered: ['Trả tiền bằng mã QR', 'Trả tiền điện', 'Danh mục'] });
  });
});

describe('words one title holds, or a whole title, open it, alone or in a sentence', () => {
  it.each([
    ['VNeID mức 2', 'vneid-level2'],
    ['vneid muc 2', 'vneid-level2'],
    ['học vneid mức 2', 'vneid-level2'],
    ['giấy tờ', 'vneid-documents'],
    ['tiền điện', 'bill-payment'],
    ['học tiền điện', 'bill-payment'],
    ['mật khẩu', 'password-otp'],
    ['otp', 'password-otp'],
    ['qr', 'qr-payment'],
    ['mã QR', 'qr-payment'],
    ['bài mã qr', 'qr-payment'],
    // asked for in a sentence
    ['tôi muốn xem bài mật khẩu', 'password-otp'],
    ['con muốn học vneid mức 2', 'vneid-level2'],
    ['dạy tôi về mã QR', 'qr-payment'],
    ['dạy bác cách trả tiền điện', 'bill-payment'],
    ['bài về giấy tờ', 'vneid-documents'],
  ])('%j opens %s', (text, id) => {
    expect(typed(text).opened).toBe(id);
  });
  it('"cho bác học bài lừa đảo" offers the two lessons on scams', () => {
    expect(typed('cho bác học bài lừa đảo')).toEqual({ opened: undefined, offered: ['Nhận ra tin lừa đảo', 'Tập nhận ra lừa đảo', 'Danh mục'] });
  });
});
