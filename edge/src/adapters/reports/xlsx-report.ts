import ExcelJS from 'exceljs';
import type { OrderReport } from '../../domain/order-report';
import {
  REPORT_COLUMNS,
  reportTableRows,
  type ColumnFormat,
  type ReportCell,
  type ReportColumn,
} from '../../domain/report-table';

const numberFormats: Readonly<Record<ColumnFormat, string | undefined>> = {
  text: undefined,
  integer: '0',
  hours: '0.00',
  rate: '0.0%',
};

/** The report as an XLSX workbook: one sheet, a bold frozen header row, column widths, rates as 0.0%. */
export async function renderReportXlsx(options: { report: OrderReport }): Promise<Uint8Array<ArrayBuffer>> {
  const { report } = options;
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jiazheng hub';
  const sheet = workbook.addWorksheet('订单统计', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = REPORT_COLUMNS.map((column) => {
    const numFmt = numberFormats[column.format];
    return { header: column.header, width: column.width, style: numFmt === undefined ? {} : { numFmt } };
  });
  sheet.getRow(1).font = { bold: true };
  for (const row of reportTableRows({ report })) sheet.addRow(row);
  sheet.getRow(sheet.rowCount).font = { bold: true };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}

/** Any report table as the same kind of workbook (the call report's, for one). */
export async function renderTableXlsx(options: {
  sheetName: string;
  columns: readonly ReportColumn[];
  rows: readonly ReportCell[][];
}): Promise<Uint8Array<ArrayBuffer>> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = 'Jiazheng hub';
  const sheet = workbook.addWorksheet(options.sheetName, { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = options.columns.map((column) => {
    const numFmt = numberFormats[column.format];
    return { header: column.header, width: column.width, style: numFmt === undefined ? {} : { numFmt } };
  });
  sheet.getRow(1).font = { bold: true };
  for (const row of options.rows) sheet.addRow(row);
  sheet.getRow(sheet.rowCount).font = { bold: true };
  return new Uint8Array(await workbook.xlsx.writeBuffer());
}
