/** Handsets in the demo population: high spenders mostly carry flagships, the rest mainstream models. */
export const PREMIUM_DEVICES: ReadonlyArray<{ value: string; weight: number }> = [
  { value: 'Apple iPhone 15 Pro', weight: 4 },
  { value: 'Huawei Mate 60 Pro', weight: 4 },
  { value: 'Apple iPhone 14', weight: 3 },
  { value: 'Huawei P60', weight: 2 },
  { value: 'Xiaomi 14 Pro', weight: 2 },
  { value: 'vivo X100', weight: 1 },
  { value: 'OPPO Find X7', weight: 1 },
];

export const MAINSTREAM_DEVICES: ReadonlyArray<{ value: string; weight: number }> = [
  { value: 'Redmi Note 13', weight: 4 },
  { value: 'Apple iPhone 13', weight: 3 },
  { value: 'Huawei nova 11', weight: 3 },
  { value: 'Honor 90', weight: 3 },
  { value: 'OPPO Reno11', weight: 3 },
  { value: 'vivo S18', weight: 2 },
  { value: 'Xiaomi 13', weight: 2 },
  { value: 'Huawei Enjoy 60', weight: 2 },
  { value: 'realme GT Neo5', weight: 1 },
];
